"""The small valid dataset the loader tests start from (see conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

# One small dataset touching every kind; "{p}" is replaced by the scratch prefix.
BASE: dict[str, str] = {
    "strategies.csv": "id,name,cluster,definition\n"
    "{p}peer-champions,Peer champions,stakeholder_interrelationships,Local peers lead\n",
    "outcomes.csv": "id,name,definition\n{p}uptake,Uptake by GPs,Share of GPs referring\n",
    "objectives.csv": "id,name,definition\n{p}map-barriers,Map barriers,\n",
    "stakeholders.csv": "id,name,kind,sector,societal,seldom_heard,country,role,email,phone,notes\n"
    "{p}ann,Ann Lee,person,care_provider,no,n,GB,Opinion leader,ann@example.org,,\n"
    "{p}bob,Bob Stone,person,Carers,yes,yes,NL,,,,\"carer, two kids\"\n"
    "{p}clinic,Hill Clinic,organisation,care_provider,,,GB,,,,\n"
    "{p}trust,Hill Trust,organisation,commissioner,,,GB,,,,\n"
    "{p}voices,Carers' Voices,group,patients_public,true,true,GB,,,,\n",
    "memberships.csv": "member_id,organisation_id,role,since\n"
    "{p}ann,{p}clinic,GP,2020-01-15\n"
    "{p}bob,{p}voices,member,\n"
    "{p}clinic,{p}trust,,\n",
    "projects.csv": "id,name,description,stage,phase,start_date,end_date,next_review,"
    "engagement_strategy,inclusion_strategy,coproduction_strategy\n"
    "{p}icbt,iCBT roll-out,Guided online CBT,planning,onboarding,2025-01-01,,2025-09-01,"
    "yes,no,\n",
    "assessments.csv": "stakeholder_id,project_id,date,assessor,method,category,interest,impact,"
    "influence,attitude,desired_attitude,contact_every_days,note\n"
    "{p}ann,{p}icbt,2025-02-01,team,workshop,collaborators,8,7,6,supportive,leading,30,\n"
    "{p}ann,{p}icbt,2025-06-01,team,workshop,collaborators,3,7,,neutral,,,moved\n"
    "{p}bob,{p}icbt,2025-02-01,team,,customers,9,2,,,,,\n",
    "ties.csv": "source_id,target_id,type,weight,date,evidence\n"
    "{p}ann,{p}bob,trusts,2,2025-01-10,interview\n"
    "{p}bob,{p}ann,Collaborates with,,,\n"
    "{p}ann,{p}bob,influences,0.5,,\n",
    "activities.csv": "id,project_id,name,type,date,mode,duration_minutes,stage,level,notes\n"
    "{p}kickoff,{p}icbt,Kick-off,workshop,2025-02-01,in_person,90,planning,Co-production,\n",
    "participation.csv": "activity_id,stakeholder_id,role\n"
    "{p}kickoff,{p}ann,facilitator\n{p}kickoff,{p}bob,\n",
    "activity_links.csv": "activity_id,link,target_id,note\n"
    "{p}kickoff,strategy,eric:develop_implementation_blueprint,first draft\n"
    "{p}kickoff,strategy,{p}peer-champions,\n"
    "{p}kickoff,objective,{p}map-barriers,\n"
    "{p}kickoff,outcome,proctor_outcome:adoption,minutes\n",
    "observations.csv": "project_id,outcome_id,date,value,evidence\n"
    "{p}icbt,{p}uptake,2025-06-30,0.25,audit\n"
    "{p}icbt,proctor_outcome:adoption,2025-06-30,3,\n",
}

# write_files(overrides=None, *, base=True, prefix=None, folder=None) -> the folder written.
WriteFiles = Callable[..., Path]
# take_snapshot(prefix) -> nodes and relationships under the prefix.
Snapshot = Callable[[str], dict[str, Any]]
