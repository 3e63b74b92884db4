// Shared by the webview scripts (loaded before them): builds DOM nodes from a tag, attributes
// (`on*` become listeners, `true` a bare attribute) and children. No innerHTML anywhere.
globalThis.reprolabDom = {
  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (v === true) node.setAttribute(k, '');
      else if (v !== false && v !== undefined && v !== null) node.setAttribute(k, String(v));
    }
    node.append(...globalThis.reprolabDom.present(children));
    return node;
  },
  /** Children as nodes, without the null or undefined of a condition that did not hold (append would print "null"). */
  present(children) {
    return children.flat().filter((c) => c !== undefined && c !== null).map((c) => (typeof c === 'string' ? document.createTextNode(c) : c));
  },
};
