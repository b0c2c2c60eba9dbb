"""Pages of the logistics app, by topic: `bench` (coordinators at the bench, on a phone),
`delivery` (batches, handovers and follow-ups, with officers), `dashboard` (per hub, with its
spreadsheet); `field` (the field app, which works offline and so needs JavaScript, its worker and
manifest); `shared` holds who may open them and how a form meets its service. Thin: parse a form, call a service or selector,
render. Work without JavaScript (all but the field app)."""
