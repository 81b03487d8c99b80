"""A small scratch graph for the export tests, written through the loaders from their own CSVs.

Two projects: ``main`` (ana, ben, their organisation org, one activity applying an ERIC strategy
and contributing to a custom outcome, an observation) and ``other`` (only zed, tied to ana).
ana carries personal data (email, phone) and ben a formula-like name.
"""

from __future__ import annotations

from pathlib import Path

from stakegraph.loaders import load_paths
from stakegraph.schema.graphdb import GraphDB
from stakegraph.schema.vocabulary import scheme

ERIC = scheme("eric").terms[0].id


def loader_files(folder: Path, p: str) -> Path:
    """Writes the scratch graph's loader CSVs (ids prefixed with ``p``) and returns the folder."""
    files = {
        "outcomes.csv": f"id,name,definition\n{p}out,Referrals,Monthly referrals\n",
        "stakeholders.csv": (
            "id,name,kind,sector,societal,seldom_heard,country,role,email,phone,notes\n"
            f"{p}ana,Ana Lopez,person,care_provider,false,,GB,,ana@example.org,0123,met twice\n"
            f'{p}ben,"=HYPERLINK(""http://x"")",person,commissioner,,true,,,,,\n'
            f"{p}org,Northfield Trust,organisation,care_provider,,,GB,,,,\n"
            f"{p}zed,Zed Other,person,industry,,,,,,,\n"
        ),
        "memberships.csv": (
            f"member_id,organisation_id,role,since\n{p}ana,{p}org,nurse,2024-02-01\n"
        ),
        "projects.csv": (
            "id,name,stage,start_date,engagement_strategy\n"
            f"{p}main,Main project,planning,2025-01-01,true\n"
            f"{p}other,Other project,initiation,2025-02-01,false\n"
        ),
        "assessments.csv": (
            "stakeholder_id,project_id,date,assessor,category,interest,impact,influence\n"
            f"{p}ana,{p}main,2025-01-10,team,champions,8,9,7\n"
            f"{p}ana,{p}main,2025-06-10,team,champions,9,9,\n"
            f"{p}ben,{p}main,2025-01-10,team,commissioners,3,8,\n"
            f"{p}zed,{p}other,2025-03-01,team,,5,5,\n"
        ),
        "ties.csv": (
            "source_id,target_id,type,weight,date,evidence\n"
            f"{p}ana,{p}ben,influences,2.5,2025-01-12,interview\n"
            f"{p}ben,{p}ana,collaborates_with,1,,\n"
            f"{p}zed,{p}ana,referred,1,,\n"
        ),
        "activities.csv": (
            "id,project_id,name,type,date,mode,duration_minutes,stage,level,notes\n"
            f"{p}act,{p}main,Kick-off,meeting,2025-01-14,online,90,initiation,involvement,ok\n"
        ),
        "participation.csv": f"activity_id,stakeholder_id,role\n{p}act,{p}ana,chair\n",
        "activity_links.csv": (
            "activity_id,link,target_id,note\n"
            f"{p}act,strategy,{ERIC},first step\n"
            f"{p}act,outcome,{p}out,\n"
        ),
        "observations.csv": (
            f"project_id,outcome_id,date,value,evidence\n{p}main,{p}out,2025-09-30,0.25,audit\n"
        ),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_export_graph(db: GraphDB, scratch: str, folder: Path) -> None:
    """Loads the scratch graph through the loaders."""
    load_paths(db, [loader_files(folder, scratch)])
