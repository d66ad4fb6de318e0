import { For, Show, type JSX } from 'solid-js';

export interface Column<Row> {
  /** The heading; on a phone (`stack`) it also labels the cell beside its value. */
  header: string;
  /** The heading as shown, when it is not just `header` (a hidden or shortened one). */
  heading?: JSX.Element;
  /** "num" right-aligns figures. */
  class?: string;
  cell: (row: Row) => JSX.Element;
}

/**
 * The dashboard's table: a heading per column and a row per item, in a scrolling frame.
 * `stack` turns each row into a card of labelled cells on a phone. `details` adds a full-width
 * row under an item (an inline form); `rowAttributes` tags rows for tests and styles.
 */
export default function Table<Row>(props: {
  label?: string;
  class?: string;
  stack?: boolean;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** Shown in a single full-width row when there are no rows. */
  empty?: string;
  rowAttributes?: (row: Row) => Record<string, string>;
  details?: (row: Row) => JSX.Element;
}) {
  const classes = () => [props.class, props.stack ? 'stack' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="table-wrap">
      <table class={classes()} aria-label={props.label}>
        <thead>
          <tr>
            <For each={props.columns}>
              {(column) => (
                <th scope="col" class={column.class}>
                  {column.heading ?? column.header}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For
            each={props.rows}
            fallback={
              <Show when={props.empty}>
                <tr>
                  <td colSpan={props.columns.length} class="muted">
                    {props.empty}
                  </td>
                </tr>
              </Show>
            }
          >
            {(row) => (
              <>
                <tr {...props.rowAttributes?.(row)}>
                  <For each={props.columns}>
                    {(column) => (
                      <td data-label={column.header} class={column.class}>
                        {column.cell(row)}
                      </td>
                    )}
                  </For>
                </tr>
                {props.details?.(row)}
              </>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
