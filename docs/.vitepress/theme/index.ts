// The default theme, with the file name above a code block that has one (```ts [src/app.ts]).
import DefaultTheme from 'vitepress/theme'
import './custom.css'

export default DefaultTheme
