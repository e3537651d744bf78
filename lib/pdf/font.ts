/**
 * The Chinese font of the 权益记录单. PDF readers need the glyphs embedded (the subset used is), so a CJK font file must
 * be found on the machine; none is shipped in an npm package (the Chinese web-font packages are split into hundreds of
 * unicode-range pieces, not one font a PDF can embed).
 *
 * | order | where |
 * | --- | --- |
 * | 1 | `RECORD_PDF_FONT`: a TTF/OTF, or a TTC/OTC followed by `#PostScriptName` |
 * | 2 | Debian's `fonts-wqy-microhei`, `fonts-wqy-zenhei` or `fonts-noto-cjk` at their usual paths |
 * | 3 | fontconfig's first Chinese font (`fc-list :lang=zh file postscriptname`) |
 *
 * None found: the PDF is refused cleanly (503 `pdf_font_unavailable`, saying which package to install) and the record
 * stays available as JSON and on the pages. The project's CI installs `fonts-wqy-microhei` (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PdfFont {
  path: string;
  /** The face in a collection (TTC/OTC). */
  family?: string;
}

const KNOWN: PdfFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
];

const isCollection = (path: string) => /\.(ttc|otc)$/i.test(path);
const usable = (path: string) => /\.(ttf|otf|ttc|otc)$/i.test(path) && existsSync(path);

function fromFontconfig(): PdfFont | null {
  try {
    const out = execFileSync('fc-list', [':lang=zh', 'file', 'postscriptname'], {
      encoding: 'utf8',
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    for (const line of out.split('\n').sort()) {
      const m = /^(.+?):\s*postscriptname=(\S+)/.exec(line.trim());
      if (m && usable(m[1]!)) return isCollection(m[1]!) ? { path: m[1]!, family: m[2]! } : { path: m[1]! };
    }
  } catch {
    /* no fontconfig */
  }
  return null;
}

let found: PdfFont | null | undefined;

/** The font to embed, or null when this machine has no Chinese font (see the module comment). */
export function resolvePdfFont(configured = process.env.RECORD_PDF_FONT): PdfFont | null {
  if (configured) {
    const [path, family] = configured.split('#');
    return usable(path!) ? { path: path!, ...(family ? { family } : {}) } : null;
  }
  if (found !== undefined) return found;
  found = KNOWN.find((f) => existsSync(f.path)) ?? fromFontconfig();
  return found;
}
