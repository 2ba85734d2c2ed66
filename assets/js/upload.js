// Upload forms marked data-upload-progress: check the size before sending (the limit is in data-max-bytes) and
// show the percentage sent while a large file goes up over a slow line. Without this script the form posts
// normally and the server gives the same messages.
(function () {
  "use strict";
  function mb(bytes) { return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB"; }
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var bar = form.querySelector("progress");
    var text = form.querySelector(".progress-text");
    form.addEventListener("submit", function (event) {
      var files = form.querySelectorAll("input[type=file]");
      for (var i = 0; i < files.length; i++) {
        var f = files[i].files && files[i].files[0];
        if (f && max && f.size > max) {
          event.preventDefault();
          text.textContent = "Tệp “" + f.name + "” nặng " + mb(f.size) + ", vượt quá dung lượng tối đa " + mb(max) + ".";
          files[i].focus();
          return;
        }
      }
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.round((e.loaded / e.total) * 100);
        bar.hidden = false;
        bar.value = pct;
        text.textContent = "Đã tải lên " + pct + "%";
      };
      xhr.onload = function () {
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      };
      xhr.onerror = function () { text.textContent = "Mất kết nối khi tải lên. Vui lòng thử lại."; };
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      xhr.send(data);
    });
  });
})();
