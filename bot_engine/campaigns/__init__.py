"""Campaigns: who to call when. A lead list goes in; paced, lawful, retried calls come out.

The rules are a pure core of plain functions over times and zones, table-tested:
- `windows`: calling windows in the lead's local time (every candidate zone), skip dates,
  start and end;
- `zones`: a lead's candidate zones (its `timezone`/`region` column, the numbering plan,
  `phonenumbers`, the campaign default); `regions` and `numbering` hold the Russian data;
- `retries`: what an attempt's outcome means for the lead; `outcomes` names that outcome;
- `pacing`: how many calls may start now (per campaign and per tenant).

At the edges: `leads` parses streamed CSV/JSON uploads, `engine` keeps campaign and lead
state in the database (claims safe for several workers), `dispatcher` is the loop that
places due calls through the service's own call path (`ports.CallPlacer`), `summary`
sends the campaign-finished webhook.
"""
