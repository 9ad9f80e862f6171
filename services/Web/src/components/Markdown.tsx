import { Fragment, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from '../lib/markdown';
import { safeHref } from '../lib/citations';

interface Props {
  source: string;
  /** Renders a `[n]` marker; without it the marker stays text. */
  cite?: (n: number) => ReactNode;
}

/** Markdown as React elements: text is always escaped by React, and no HTML string reaches the DOM. */
export function Markdown({ source, cite }: Props) {
  const inline = (nodes: Inline[]): ReactNode[] =>
    nodes.map((node, i) => {
      switch (node.t) {
        case 'text':
          return <Fragment key={i}>{node.v}</Fragment>;
        case 'code':
          return <code key={i}>{node.v}</code>;
        case 'strong':
          return <strong key={i}>{inline(node.c)}</strong>;
        case 'em':
          return <em key={i}>{inline(node.c)}</em>;
        case 'link': {
          const href = safeHref(node.href);
          return href ? (
            <a key={i} href={href} target="_blank" rel="noopener noreferrer">
              {inline(node.c)}
            </a>
          ) : (
            <Fragment key={i}>{inline(node.c)}</Fragment>
          );
        }
        case 'cite':
          return <Fragment key={i}>{cite ? cite(node.n) : `[${node.n}]`}</Fragment>;
      }
    });

  return (
    <>
      {parseMarkdown(source).map((block, i) => {
        switch (block.t) {
          case 'p':
            return <p key={i}>{inline(block.c)}</p>;
          case 'h': {
            const Tag = `h${Math.min(6, block.level + 2)}` as 'h3';
            return <Tag key={i}>{inline(block.c)}</Tag>;
          }
          case 'ul':
            return <ul key={i}>{block.items.map((item, j) => <li key={j}>{inline(item)}</li>)}</ul>;
          case 'ol':
            return (
              <ol key={i} start={block.start}>
                {block.items.map((item, j) => <li key={j}>{inline(item)}</li>)}
              </ol>
            );
          case 'quote':
            return <blockquote key={i}>{inline(block.c)}</blockquote>;
          case 'pre':
            return (
              <pre key={i}>
                <code>{block.v}</code>
              </pre>
            );
        }
      })}
    </>
  );
}
