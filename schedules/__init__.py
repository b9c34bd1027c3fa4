"""Time: the calendar of deadlines, reminder policy, planner, dispatcher and the ticking job."""
