// The demo site: a three-page single-page app with a consent banner. It plays the customer's website and its
// consent manager; the snippet itself is the only Eirlead code on the page.
'use strict';

const pages = [...document.querySelectorAll('[data-page]')];
const sentLog = document.getElementById('sent-log');

function show(path) {
  const page = pages.find((section) => section.dataset.page === path) ?? pages[0];
  for (const section of pages) section.hidden = section !== page;
  document.title = page.dataset.title;
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('current', link.getAttribute('href') === page.dataset.page);
  }
}

// Client-side navigation, as single-page apps do it: the snippet sees it through the History API.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-nav]') : null;
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  const path = link.getAttribute('href');
  if (path === location.pathname) return;
  show(path);
  history.pushState(null, '', path);
});
window.addEventListener('popstate', () => show(location.pathname));
show(location.pathname);

// The consent banner: the customer's consent manager. It keeps the answer in memory only, so the demo stores
// nothing either; a real one keeps it in its own cookie and tells the snippet on every page load.
const banner = document.getElementById('consent-banner');
const status = document.getElementById('signals');
const choose = (call, answer) => () => {
  const blocked = blockingSignals().length > 0;
  call();
  banner.hidden = true;
  if (!blocked) status.textContent = answer;
};
document
  .getElementById('consent-accept')
  .addEventListener('click', choose(() => eirlead('consent', true), 'You accepted: page views are sent, and the domain of a form\'s e-mail address.'));
document
  .getElementById('consent-decline')
  .addEventListener('click', choose(() => eirlead('consent', false), 'You declined: nothing is sent.'));
document
  .getElementById('consent-optout')
  .addEventListener('click', choose(() => eirlead('optout'), 'You opted out: nothing is sent, on any page, until you clear this site\'s data.'));
document.getElementById('privacy-choices').addEventListener('click', (event) => {
  event.preventDefault();
  banner.hidden = false;
});

document.getElementById('contact-form').addEventListener('submit', (event) => {
  event.preventDefault();
  event.target.reset();
  event.target.hidden = true;
  document.getElementById('form-thanks').hidden = false;
});

// Shows each beacon's payload, so a visitor sees exactly what leaves the browser (and what does not).
const sendBeacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, data) => {
  const queued = sendBeacon(url, data);
  if (data instanceof Blob) {
    data.text().then((text) => {
      const item = document.createElement('li');
      item.textContent = JSON.stringify(JSON.parse(text).events);
      sentLog.querySelector('.none')?.remove();
      sentLog.append(item);
    });
  }
  return queued;
};

function blockingSignals() {
  const signals = [];
  if (navigator.globalPrivacyControl === true) signals.push('Global Privacy Control');
  if (navigator.doNotTrack === '1') signals.push('Do Not Track');
  if (localStorage.getItem('eirlead:opt-out') !== null) signals.push('your earlier opt-out');
  return signals;
}
const signals = blockingSignals();
status.textContent = signals.length
  ? `Your browser has ${signals.join(' and ')}: the snippet sends nothing, whatever you answer.`
  : 'Nothing is sent until you accept.';
