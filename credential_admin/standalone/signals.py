"""Signals of the standalone runtime.

`course_published(sender, course_key: str)` is sent (after the transaction commits) when a course is loaded or
reloaded and after every Studio save: in standalone mode a save is also a publish. Connect to it to sync
configurations from published blocks, as the LMS plugin does on the platform's publish signal.
"""
from django.dispatch import Signal

course_published = Signal()
