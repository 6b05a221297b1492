// Every text on the page with less than 4.5:1 contrast, against its own background and against
// white paper (Chrome prints without background graphics by default). SVG text is left out.
() => {
  const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const lum = (c) => {
    const [r, g, b] = rgb(c).map(channel);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const transparent = (c) => c === "transparent" || /rgba\(.*, 0\)$/.test(c);
  const background = (el) => {
    for (let p = el; p; p = p.parentElement) {
      const b = getComputedStyle(p).backgroundColor;
      if (!transparent(b)) return b;
    }
    return "rgb(255, 255, 255)";
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg, .visually-hidden") || !el.getClientRects().length) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const color = getComputedStyle(el).color;
    const bg = background(el);
    const worst = Math.min(ratio(color, bg), ratio(color, "rgb(255, 255, 255)"));
    if (worst < 4.5) {
      const text = el.textContent.trim().slice(0, 30);
      low.push(`${el.tagName}.${el.className} "${text}" ${color} on ${bg}: ${worst.toFixed(2)}`);
    }
  }
  return low;
}
