// Ferry's mark: a small boat on a wave, drawn inline so it needs no font or file.
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path d="M4 14h16l-2.5 4h-11z" fill="currentColor" />
      <path d="M8 13V9h6l2 4z" fill="currentColor" opacity="0.7" />
      <path d="M11 9V6h2v3z" fill="currentColor" />
      <path d="M2 20.5c2 0 2-1 4-1s2 1 4 1 2-1 4-1 2 1 4 1 2-1 4-1" stroke="currentColor" strokeWidth="1.4" fill="none" />
    </svg>
  );
}
