/** The paste panel's webview type (package.json's activation event and the serializer name it too). */
export const PASTE_VIEW_TYPE = 'describeImage.paste';
