// Opens the wizard link given in ?link= as a popup and records the messages it posts.
const link = new URLSearchParams(location.search).get('link');
const keywayOrigin = new URL(link).origin;
window.keywayMessages = [];
window.foreignMessages = [];
window.addEventListener('message', (event) => {
  if (event.origin !== keywayOrigin) {
    window.foreignMessages.push(event.data);
    return;
  }
  window.keywayMessages.push(event.data);
  const item = document.createElement('li');
  item.textContent = `${event.data.type}`;
  document.getElementById('messages').append(item);
});
document.getElementById('connect').addEventListener('click', () => {
  window.open(link, 'keyway', 'popup,width=480,height=720');
});
