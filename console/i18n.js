// The console's own words in English and Italian. Static labels in index.html carry data-i18n="key";
// console.js and reports.js ask t(key) for everything else. Values are plain text (set with textContent).
"use strict";

const CONSOLE_WORDS = {
  en: {
    interface_language: "Language", logout: "Log out", login_title: "Caseworker console", name: "Name",
    password: "Password", login: "Log in", login_failed: "Wrong name or password.",
    login_throttled: "Too many failed attempts. Try again in {s} seconds.",
    filter_language: "Language", filter_priority: "Priority", all: "All", urgent: "Urgent", normal: "Normal",
    mine: "Mine", queue_empty: "No tickets here.", back: "← Queue", claim: "Claim", release: "Release",
    transfer_to: "Transfer to", transfer: "Transfer", canned: "Canned reply", canned_none: "— write your own —",
    send: "Send", notes: "Private notes", add_note: "Add note", close_case: "Close the case",
    outcome: "What was it about", referrals: "Referred to", close: "Close",
    count_total: "open", count_waiting: "waiting", count_urgent: "urgent", count_mine: "mine", count_overdue: "overdue",
    live_on: "Live updates on", live_off: "Live updates paused: refreshing every 15 s",
    waiting: "waiting", assigned: "assigned", closed: "closed", assigned_to: "Assigned to", nobody: "nobody",
    waited: "Waited", first_response: "First response", overdue: "overdue", lang: "Language", channel: "Channel",
    reason: "Reason", category: "Topic", opened: "Opened", status: "Status",
    reason_asked: "asked for a person", reason_misses: "the bot did not understand", reason_urgent: "urgent",
    reason_media: "sent a photo or voice message",
    from_person: "Person", from_bot: "Bot", from_caseworker: "Caseworker", from_article: "article",
    status_pending: "waiting to be sent", status_sending: "sending", status_sent: "sent", status_delivered: "delivered",
    status_read: "read", status_failed: "failed", status_dead: "not delivered", status_held: "held",
    held_explained: "Held: WhatsApp lets us write freely only within 24 hours of the person's last message. It is sent if they write again.",
    whatsapp_window: "More than 24 hours since this person last wrote on WhatsApp: WhatsApp will hold free-text replies until they write again. Consider another way to reach them (e.g. through their guardian or reception centre).",
    erased: "The person erased their data: only the ticket remains.",
    choose_outcome: "— choose —", saved: "Saved.", confirm_close: "Close this case?",
    minutes: "{n} min", hours: "{h} h {m} min",
    outcome_guardianship: "Guardianship", outcome_age_assessment: "Age assessment", outcome_reception: "Reception",
    outcome_documents: "Documents", outcome_asylum: "Asylum", outcome_health: "Health", outcome_school: "School",
    outcome_work: "Work", outcome_family_tracing: "Family tracing / reunification",
    outcome_trafficking_exploitation: "Trafficking or exploitation", outcome_violence: "Violence", outcome_other: "Other",
    referral_lawyer: "Lawyer", referral_guardian: "Guardian", referral_ombudsman: "Ombudsman (Garante)",
    referral_red_cross: "Red Cross", referral_iom: "IOM", referral_social_services: "Social services",
    referral_other: "Other",
    nav_queue: "Queue", nav_content: "Content", nav_reports: "Reports",
    period: "Period", period_30d: "Last 30 days", period_90d: "Last 90 days", period_365d: "Last 12 months",
    content_title: "Content",
    content_intro: "What people asked that the knowledge base could not answer (similar questions grouped), how each article is read and rated, and which translations are missing or out of date.",
    reports_title: "Help desk reports",
    reports_intro: "Cases opened in the period by month, outcome, language, channel, urgency and referral; time to first response and SLA breaches; tickets opened by the safety triage.",
    report_period: "{since} – {until}", download_csv: "Download CSV",
    csv_suppressed: "(counts under 5 are hidden in the download, which may leave the help desk)",
    chart_failed: "This chart could not be loaded.", report_empty: "Nothing in this period.",
    report_failed: "Could not load the {name} report: {why}", suppressed: "fewer than 5",
  },
  it: {
    interface_language: "Lingua", logout: "Esci", login_title: "Console operatori", name: "Nome",
    password: "Password", login: "Entra", login_failed: "Nome o password errati.",
    login_throttled: "Troppi tentativi falliti. Riprova tra {s} secondi.",
    filter_language: "Lingua", filter_priority: "Priorità", all: "Tutte", urgent: "Urgente", normal: "Normale",
    mine: "Miei", queue_empty: "Nessun ticket qui.", back: "← Coda", claim: "Prendi in carico", release: "Rilascia",
    transfer_to: "Trasferisci a", transfer: "Trasferisci", canned: "Risposta pronta", canned_none: "— scrivi tu —",
    send: "Invia", notes: "Note private", add_note: "Aggiungi nota", close_case: "Chiudi il caso",
    outcome: "Di cosa si trattava", referrals: "Inviato a", close: "Chiudi",
    count_total: "aperti", count_waiting: "in attesa", count_urgent: "urgenti", count_mine: "miei", count_overdue: "in ritardo",
    live_on: "Aggiornamenti in diretta attivi", live_off: "Aggiornamenti in pausa: ricarico ogni 15 s",
    waiting: "in attesa", assigned: "assegnato", closed: "chiuso", assigned_to: "Assegnato a", nobody: "nessuno",
    waited: "Attesa", first_response: "Prima risposta", overdue: "in ritardo", lang: "Lingua", channel: "Canale",
    reason: "Motivo", category: "Argomento", opened: "Aperto", status: "Stato",
    reason_asked: "ha chiesto una persona", reason_misses: "il bot non ha capito", reason_urgent: "urgente",
    reason_media: "ha inviato una foto o un vocale",
    from_person: "Persona", from_bot: "Bot", from_caseworker: "Operatore", from_article: "articolo",
    status_pending: "in attesa di invio", status_sending: "in invio", status_sent: "inviato", status_delivered: "consegnato",
    status_read: "letto", status_failed: "non riuscito", status_dead: "non consegnato", status_held: "trattenuto",
    held_explained: "Trattenuto: WhatsApp permette di scrivere liberamente solo entro 24 ore dall'ultimo messaggio della persona. Sarà inviato se scrive di nuovo.",
    whatsapp_window: "Sono passate più di 24 ore dall'ultimo messaggio WhatsApp di questa persona: WhatsApp tratterrà le risposte finché non scrive di nuovo. Valuta un altro modo di raggiungerla (es. tramite il tutore o il centro di accoglienza).",
    erased: "La persona ha cancellato i suoi dati: resta solo il ticket.",
    choose_outcome: "— scegli —", saved: "Salvato.", confirm_close: "Chiudere questo caso?",
    minutes: "{n} min", hours: "{h} h {m} min",
    outcome_guardianship: "Tutela", outcome_age_assessment: "Accertamento dell'età", outcome_reception: "Accoglienza",
    outcome_documents: "Documenti", outcome_asylum: "Asilo", outcome_health: "Salute", outcome_school: "Scuola",
    outcome_work: "Lavoro", outcome_family_tracing: "Ricerca / ricongiungimento familiare",
    outcome_trafficking_exploitation: "Tratta o sfruttamento", outcome_violence: "Violenza", outcome_other: "Altro",
    referral_lawyer: "Avvocato", referral_guardian: "Tutore", referral_ombudsman: "Garante",
    referral_red_cross: "Croce Rossa", referral_iom: "OIM", referral_social_services: "Servizi sociali",
    referral_other: "Altro",
    nav_queue: "Coda", nav_content: "Contenuti", nav_reports: "Rapporti",
    period: "Periodo", period_30d: "Ultimi 30 giorni", period_90d: "Ultimi 90 giorni", period_365d: "Ultimi 12 mesi",
    content_title: "Contenuti",
    content_intro: "Le domande a cui la base di conoscenza non ha saputo rispondere (raggruppate se simili), come ogni articolo viene letto e valutato, quali traduzioni mancano o sono da aggiornare.",
    reports_title: "Rapporti dello sportello",
    reports_intro: "Casi aperti nel periodo per mese, esito, lingua, canale, urgenza e invio; tempo alla prima risposta e superamenti dello SLA; ticket aperti dal triage di sicurezza.",
    report_period: "{since} – {until}", download_csv: "Scarica CSV",
    csv_suppressed: "(nel file, che può uscire dallo sportello, i numeri sotto 5 sono nascosti)",
    chart_failed: "Impossibile caricare questo grafico.", report_empty: "Niente in questo periodo.",
    report_failed: "Impossibile caricare il rapporto {name}: {why}", suppressed: "meno di 5",
    // Titles the server writes in English, by kind and id (reports.js serverTitle); English uses the server's.
    "chart:cases-by-month": "Casi per mese", "chart:cases-by-outcome": "Casi per esito",
    "chart:cases-by-language": "Casi per lingua", "chart:cases-by-channel": "Casi per canale",
    "chart:cases-by-referral": "Casi per invio", "chart:first-response-by-month": "Tempo alla prima risposta per mese",
    "chart:gaps-by-language": "Domande senza risposta per lingua", "chart:article-views": "Letture degli articoli",
    "chart:article-feedback": "«Ti è stato utile?» per articolo",
  },
};

let consoleLanguage = "en";

function consoleLocale() { return consoleLanguage === "it" ? "it-IT" : "en-GB"; }

function t(key, args) {
  let s = (CONSOLE_WORDS[consoleLanguage] || {})[key] ?? CONSOLE_WORDS.en[key] ?? key;
  for (const [k, v] of Object.entries(args || {})) s = s.replace("{" + k + "}", String(v));
  return s;
}

function applyStaticWords(lang) {
  consoleLanguage = CONSOLE_WORDS[lang] ? lang : "en";
  document.documentElement.lang = consoleLanguage;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}
