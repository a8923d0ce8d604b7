/**
 * The words the alt-text rules recognise, in the languages docs are translated into (en de es fr it pt ru ja ko zh).
 * Each list is matched against a whole alt text, or a whole token, after `normWords` — never as a substring, so
 * "Accessible placeholder" and "bullet decorators" are not caught. Measured on a hand-judged sample of real alt text
 * (bench/alt-rules): see README "Rules".
 */

/** Lower case, NFKC, every run of what is not a letter or digit as one space. */
export function normWords(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Alt text that only says "an image is here": placeholders (VS Code's Markdown paste inserts `![alt text](…)`,
 * GitHub's paste `alt="image"`), and a type word alone ("screenshot", "logo", "diagram").
 */
export const PLACEHOLDERS = new Set([
  // English, with the placeholders editors and templates insert
  'image', 'img', 'images', 'picture', 'pic', 'photo', 'photograph', 'screenshot', 'screenshots', 'screen shot', 'screen', 'screencap',
  'screen capture', 'screengrab', 'screen grab', 'diagram', 'graphic', 'graph', 'chart', 'figure', 'fig', 'icon', 'logo', 'demo', 'gif',
  'animation', 'alt', 'alt text', 'alttext', 'alternative text', 'alternate text', 'placeholder', 'image placeholder', 'placeholder image',
  'avatar', 'banner', 'thumbnail', 'preview', 'example', 'sample', 'untitled', 'untitled image', 'image description', 'description',
  'image here', 'insert image', 'insert alt text', 'insert alt text here', 'add alt text', 'add alt text here', 'alt text here',
  'enter alt text', 'your alt text', 'alt text goes here', 'describe image', 'describe this image', 'todo', 'tbd', 'tba', 'fixme', 'xxx',
  'n a', 'none', 'null', 'undefined', 'badge', 'illustration',
  // German
  'bild', 'abbildung', 'abb', 'grafik', 'foto', 'bildschirmfoto', 'bildschirmaufnahme', 'diagramm', 'symbol', 'platzhalter', 'beispiel', 'alternativtext',
  // Spanish
  'imagen', 'figura', 'gráfico', 'grafico', 'captura', 'captura de pantalla', 'fotografía', 'diagrama', 'icono', 'ícono', 'logotipo',
  'ejemplo', 'marcador de posición', 'texto alternativo',
  // French
  'graphique', 'capture', 'capture d écran', 'capture décran', 'diagramme', 'icône', 'exemple', 'texte alternatif', 'espace réservé',
  // Italian
  'immagine', 'grafico', 'schermata', 'diagramma', 'icona', 'esempio', 'segnaposto', 'testo alternativo',
  // Portuguese
  'imagem', 'captura de tela', 'ícone', 'exemplo', 'espaço reservado',
  // Russian
  'изображение', 'картинка', 'рисунок', 'скриншот', 'снимок экрана', 'фото', 'диаграмма', 'схема', 'иконка', 'значок', 'логотип', 'пример', 'замещающий текст',
  // Japanese
  '画像', '図', 'イメージ', 'スクリーンショット', 'スクショ', '写真', '図表', 'アイコン', 'ロゴ', '例', '代替テキスト',
  // Korean
  '이미지', '그림', '스크린샷', '사진', '다이어그램', '아이콘', '로고', '예시', '대체 텍스트',
  // Chinese (simplified, traditional)
  '图片', '图像', '图', '截图', '屏幕截图', '照片', '图表', '示意图', '图标', '标志', '示例', '替代文本', '圖片', '圖像', '圖', '截圖', '螢幕擷取畫面', '圖示', '圖表',
]);

/** Openers dropped before comparing with PLACEHOLDERS ("A screenshot", "Das Bild", "Une image"). */
export const ARTICLES = new Set(['a', 'an', 'the', 'this', 'my', 'our', 'ein', 'eine', 'das', 'die', 'der', 'un', 'una', 'el', 'la', 'le', 'l', 'une', 'il', 'lo', 'um', 'uma', 'o']);

/** Words that, with only a number after them, label an image without saying anything ("Step 3", "Figure 2"). */
export const LABEL_WORDS = new Set([
  'step', 'figure', 'fig', 'image', 'img', 'picture', 'pic', 'photo', 'screenshot', 'screen', 'example', 'sample', 'diagram', 'slide',
  'case', 'option', 'illustration', 'chart', 'graph', 'exhibit', 'scenario', 'stage', 'phase', 'item', 'page', 'demo', 'gif', 'video',
  'schritt', 'abbildung', 'abb', 'bild', 'beispiel', 'paso', 'figura', 'imagen', 'ejemplo', 'captura', 'étape', 'etape', 'exemple',
  'passo', 'immagine', 'esempio', 'imagem', 'exemplo', 'шаг', 'рисунок', 'рис', 'изображение', 'пример', '図', '手順', 'ステップ', '画像',
  '例', '步骤', '图', '图片', '示例', '단계', '그림', '이미지', '예',
]);

/** Numbers written as words (a label like "Step one"). */
export const NUMBER_WORDS = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'un', 'deux', 'trois', 'quatre',
  'cinq', 'due', 'tre', 'quattro', 'um', 'dois', 'três', 'quatro', 'один', 'два', 'три', 'четыре', 'пять', '一', '二', '三', '四', '五', '六',
]);

/** "Decorative" in each language (a whole token): an alt that calls its image decoration wants alt="" instead. */
export const DECORATIVE_WORDS = new Set([
  'decorative', 'decoration', 'ornamental', 'decorativo', 'decorativa', 'decorativos', 'decorativas', 'décoratif', 'décorative',
  'décoratifs', 'décoratives', 'dekorativ', 'dekorative', 'dekorativer', 'dekoratives', 'dekorativen', 'decorativi', 'decorative',
  'декоративный', 'декоративное', 'декоративная', 'декоративного', 'декоративной',
]);

/** What such an alt calls its image: a declaration names the kind of image ("Decorative graphic", "Imagen de fondo decorativa"). */
export const IMAGE_NOUNS = new Set([
  'graphic', 'graphics', 'image', 'background', 'illustration', 'picture', 'artwork', 'art', 'banner', 'gráfico', 'imagen', 'fondo', 'ilustración',
  'graphique', 'fond', 'grafik', 'bild', 'hintergrund', 'hintergrundbild', 'immagine', 'grafica', 'sfondo', 'imagem', 'fundo', 'ilustração',
  'изображение', 'графика', 'фон', 'иллюстрация',
]);

/** The same declaration in Chinese, Japanese and Korean, where words are not separated by spaces. */
export const DECORATIVE_CJK = /装饰性|裝飾性|装飾(?:的|用|の)|裝飾用|장식(?:용|적)/u;

/** Default names screenshot tools give a file, followed by a date or number ("Screenshot 2020-10-03 at 1 11 19 AM"). */
export const SCREENSHOT_NAMES = ['screenshot', 'screen shot', 'bildschirmfoto', 'capture d écran', 'capture décran', 'captura de pantalla', 'schermata', 'captura de tela', 'снимок экрана', 'スクリーンショット', '屏幕截图', '截屏', '스크린샷'];
/** The glue words of such names ("at", "um", "à", "a las"), beside digits. */
export const SCREENSHOT_GLUE = new Set(['at', 'am', 'pm', 'um', 'à', 'a', 'las', 'às', 'alle', 'в', 'de', 'du', 'vom', 'from', 'on', '午前', '午後']);
