"""Audit of case records: every change to a family, child, care leaver or locality, from any path."""

from __future__ import annotations

from core import audit
from families.models import CareLeaver, Child, Family, Locality

audit.audit_changes_of(Family, Child, CareLeaver, Locality)
