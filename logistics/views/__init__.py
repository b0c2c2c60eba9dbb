"""Pages of the logistics app, by topic: `bench` (coordinators at the bench, on a phone),
`delivery` (batches, handovers and follow-ups, with officers), `dashboard` (per hub, with its
spreadsheet); `shared` holds who may open them and how a form meets its service. Thin: parse a form, call a service or selector,
render. Work without JavaScript."""
