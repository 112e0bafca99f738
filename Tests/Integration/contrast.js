// Finds text on the page whose contrast with what is behind it is below WCAG 2.1 AA: 4.5:1, or
// 3:1 for large text (24px, or 18.66px bold). Colours are the computed ones; a see-through
// background is laid over the ones behind it, and opacity fades text into its background.
// Disabled controls are exempt, as WCAG allows. Returns [{text, ratio, needed, color, background}].
const parse = (value) => {
  const parts = value.match(/[\d.]+/g).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
};
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
});
const luminance = ({ r, g, b }) => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};
const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const background = (element) => {
  const layers = [];
  for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
    const color = parse(getComputedStyle(node).backgroundColor);
    if (color.a > 0) layers.push(color);
    if (color.a === 1) break;
  }
  return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
};
const opacity = (element) => {
  let value = 1;
  for (let node = element; node && node.nodeType === 1; node = node.parentElement) value *= Number(getComputedStyle(node).opacity);
  return value;
};
const problems = [];
for (const element of document.body.querySelectorAll("*")) {
  const own = [...element.childNodes].filter((node) => node.nodeType === 3 && node.textContent.trim()).map((node) => node.textContent.trim()).join(" ");
  const placeholder = (element.tagName === "INPUT" || element.tagName === "TEXTAREA") && !element.value ? element.placeholder : "";
  const text = own || (element.tagName === "INPUT" || element.tagName === "SELECT" || element.tagName === "TEXTAREA" ? element.value || placeholder : "");
  if (!text) continue;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  if (style.visibility === "hidden" || style.display === "none" || box.width < 2 || box.height < 2) continue;
  if (element.closest(":disabled, [aria-disabled='true'], .chip-separator")) continue;
  const behind = background(element);
  let color = parse(placeholder ? getComputedStyle(element, "::placeholder").color : style.color);
  color = over({ ...color, a: color.a * opacity(element) }, behind);
  const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  const measured = ratio(color, behind);
  if (measured < needed) {
    problems.push({ text: text.slice(0, 40), ratio: Math.round(measured * 100) / 100, needed, color: style.color, background: `rgb(${behind.r}, ${behind.g}, ${behind.b})`, tag: element.tagName, class: element.className });
  }
}
return problems;
