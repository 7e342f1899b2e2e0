"""Outage detection: one notion of "this machine has no network".

The run is *offline* when no server at all has answered and either a
failure never reached a server (a name lookup, a route, a connect timeout) or
many hosts were silent.  Once any server answers, nothing is an outage any
more: silent hosts are then just silent hosts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from listlint.net.failures import Cause

__all__ = ["Outage", "OFFLINE_HOSTS"]

# Slow failures on this many hosts, with no answer at all, mean "offline".
OFFLINE_HOSTS = 16
# Failures that never reached a server.
UNREACHED = frozenset({Cause.NAME, Cause.CONNECT_TIMEOUT, Cause.ROUTE})


@dataclass(slots=True)
class Outage:
    answered: bool = False
    offline: bool = False
    unreached: int = 0
    silent_hosts: set[str] = field(default_factory=set)

    def saw_answer(self) -> None:
        self.answered = True
        self.offline = False

    def saw_failure(self, host: str, cause: Cause, *, definite: bool = False) -> bool:
        """Record a failure on ``host``; True if it counts as a network failure.

        ``definite``: the DNS said "no such name" (a fact about the name, so it
        does not make the run look offline by itself).
        """
        if cause in UNREACHED:
            self.unreached += 1
            if definite:
                return True
        elif cause is not Cause.READ_TIMEOUT:
            return False
        if self.answered:
            return cause in UNREACHED
        # Accepted but silent with no answer anywhere yet: a black-holing
        # proxy or firewall looks like this, so it counts towards "offline"
        # (10,000 links on silent hosts end after one round of timeouts).
        self.silent_hosts.add(host)
        if len(self.silent_hosts) >= OFFLINE_HOSTS:
            self.offline = True
        return True

    @property
    def suspected(self) -> bool:
        """No server answered, and something failed for want of a network."""
        return not self.answered and (self.offline or self.unreached > 0)
