/**
 * A process label (printed as in DumpProcessRow.label) made short enough for a table cell: a
 * RabbitMQ `process_name` `{Module, {resource, VHost, Kind, Name}}` puts the queue's (or
 * exchange's) name first, where a cut cell still shows it; any other label stays as printed.
 */
const RESOURCE =
  /^\{([a-z][A-Za-z0-9_@]*),\{resource,<<"((?:[^"\\]|\\.)*)">>,([a-z][A-Za-z0-9_]*),<<"((?:[^"\\]|\\.)*)">>\}\}$/

export function shortProcessLabel(label: string): string {
  const m = RESOURCE.exec(label)
  if (!m) return label
  const [, , vhost, kind, name] = m
  return `${kind} ${name} · vhost ${vhost}`
}
