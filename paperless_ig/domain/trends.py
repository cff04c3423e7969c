"""The flags a team's depositing trend can carry.

``services.trends`` sets them; the position statement's words (in
``exports/``) and the forward plan read them, so they live below both.
"""

from __future__ import annotations

FLAG_GROWING = "growing"
FLAG_SHRINKING = "shrinking"
FLAG_NEW = "new depositor"
FLAG_STOPPED = "stopped"
FLAG_TOP = "top depositor"
FLAGS = (FLAG_GROWING, FLAG_NEW, FLAG_TOP, FLAG_SHRINKING, FLAG_STOPPED)
