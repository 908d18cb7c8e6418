/** A quiet loading line for places that wait on the network. */
export function Spinner(props: { label?: string }) {
  return (
    <p className="spinner" role="status">
      {props.label ?? 'Loading…'}
    </p>
  );
}
