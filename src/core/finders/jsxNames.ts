/** JSX tag and attribute names as Babel reads them (for `.describe-image.json`: core/docs components.ts). */
import { parseExpression } from '@babel/parser';

/** The JSX name Babel reads in `<name attr="" />` and the attribute's, or undefined when it is not one tag. */
function parsedTag(code: string): { name: string; attribute: string | undefined } | undefined {
  let expr;
  try {
    expr = parseExpression(code, { plugins: ['jsx'] });
  } catch {
    return undefined;
  }
  if (expr.type !== 'JSXElement') return undefined;
  const nameOf = (n: { type: string; [k: string]: unknown }): string => {
    if (n.type === 'JSXIdentifier') return String(n['name']);
    if (n.type === 'JSXNamespacedName') return `${nameOf(n['namespace'] as never)}:${nameOf(n['name'] as never)}`;
    if (n.type === 'JSXMemberExpression') return `${nameOf(n['object'] as never)}.${nameOf(n['property'] as never)}`;
    return '';
  };
  const opening = expr.openingElement;
  const attr = opening.attributes[0];
  return { name: nameOf(opening.name as never), attribute: attr?.type === 'JSXAttribute' ? nameOf(attr.name as never) : undefined };
}

/** Is `name` a JSX tag name exactly as written (`Illustration`, `ui.Image`, `svg:image`)? */
export function isJsxTagName(name: string): boolean {
  return name.length > 0 && name.length <= 200 && parsedTag(`<${name} />`)?.name === name;
}

/** Is `name` a JSX attribute name exactly as written (`src`, `data-src`, `xlink:href`)? */
export function isJsxAttributeName(name: string): boolean {
  return name.length > 0 && name.length <= 200 && parsedTag(`<x ${name}="" />`)?.attribute === name;
}
