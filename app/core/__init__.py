"""The floor every package stands on: settings, database, request context, enums, errors,
German formats, rendering."""
