import { addMessages } from '../i18n'
import en from './locales/en'
import zhCN from './locales/zh-CN'

// The console's messages join the citizen pages' when the console's first chunk loads.
addMessages({ staff: zhCN }, { staff: en })
