"""Pages of the logistics app, by topic: `bench` (coordinators at the bench, on a phone),
`delivery` (batches, handovers and follow-ups, with officers), `dashboard` (per hub, with its
spreadsheet); `access` holds who may open them. Thin: parse a form, call a service or selector,
render. Work without JavaScript."""
