import { createApp } from 'vue'
import App from './App.vue'
import AdvicePanel from './components/AdvicePanel.vue'

// AdvicePanel is global so that the Sessions view includes it with one tag.
createApp(App).component('AdvicePanel', AdvicePanel).mount('#app')

declare module 'vue' {
  interface GlobalComponents {
    AdvicePanel: typeof AdvicePanel
  }
}
