// Handouts: draw a QR code of the page's public address (its canonical link,
// which follows site_url / SITE_URL), so a printed sheet leads back to the
// current version on a phone. Loaded only on pages with `handout: true`.
document.querySelectorAll("[data-qr-for]").forEach(function (box) {
  var url = box.getAttribute("data-qr-for");
  var qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  box.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true, title: "QR code: " + url });
});
