"""The one build step beyond pyproject.toml: the translation catalogs compiled (``.po`` -> ``.mo``) by Babel.

``pip install .`` and a wheel build write ``locales/<lang>/LC_MESSAGES/messages.mo`` into the build, so the
wheel ships them and the bot only reads them (``bot/core/i18n.py``, with gettext). ``pip install -e .``
writes them beside the ``.po`` files of the checkout (git ignores ``*.mo``); after editing a catalog in a
checkout, ``pybabel compile -d locales`` (or ``pip install -e .`` again) compiles them anew, and
``tests/test_i18n.py`` fails while a ``.mo`` differs from its ``.po``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Every ``locales/*/LC_MESSAGES/*.po`` under ``source`` compiled to the same place under ``target``,
    fuzzy entries left out (as ``pybabel compile`` does)."""
    from babel.messages.mofile import write_mo  # Babel: build-system.requires
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("locales/*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(mo)
    return written


class BuildWithCatalogs(build_py):
    """``build_py``, then the catalogs: into the build (a wheel), or into the checkout (an editable install)."""

    def run(self) -> None:
        super().run()
        compile_catalogs(ROOT, ROOT if self.editable_mode else Path(self.build_lib))

    def _catalog_outputs(self) -> dict[str, str]:
        return {str(Path(self.build_lib) / po.relative_to(ROOT).with_suffix(".mo")): str(po.with_suffix(".mo"))
                for po in sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))}

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        if self.editable_mode:  # setuptools lists the keys of get_output_mapping()
            return super().get_outputs(include_bytecode)
        return [*super().get_outputs(include_bytecode), *self._catalog_outputs()]

    def get_output_mapping(self) -> dict[str, str]:
        return {**super().get_output_mapping(), **self._catalog_outputs()}


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithCatalogs})
