// cleanclaim workbench: small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Sign-in link printed by `cleanclaim serve`: /login#key=... (a fragment never reaches the server log).
  const form = document.getElementById("login-form");
  if (form && location.hash.startsWith("#key=")) {
    form.querySelector("#key").value = decodeURIComponent(location.hash.slice(5));
    history.replaceState(null, "", location.pathname + location.search);
    form.submit();
  }

  // Sortable tables: <th data-sort="name"><button> sorts rows by their data-name attribute.
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("th[data-sort] button").forEach((button) => {
      button.addEventListener("click", () => {
        const th = button.closest("th");
        const key = th.dataset.sort;
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[data-sort]").forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const value = (row) => row.dataset[key] || "";
        const numeric = rows.every((r) => value(r) !== "" && !isNaN(Number(value(r))));
        rows.sort((a, b) => {
          const x = value(a), y = value(b);
          const cmp = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
          return ascending ? cmp : -cmp;
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  });

  // Filter a table's rows by one column's data attribute.
  document.querySelectorAll("select[data-filter-table]").forEach((select) => {
    const table = document.getElementById(select.dataset.filterTable);
    select.addEventListener("change", () => {
      Array.from(table.tBodies[0].rows).forEach((row) => {
        row.hidden = select.value !== "" && row.dataset[select.dataset.filterCol] !== select.value;
      });
    });
  });

  // Coding run: focusing or hovering a code lights up its evidence in the note, and back.
  const marks = Array.from(document.querySelectorAll("#note-text mark"));
  const light = (code, on) => marks.forEach((m) => {
    if (m.dataset.codes.split(" ").includes(code)) m.classList.toggle("active", on);
  });
  document.querySelectorAll(".code-card").forEach((card) => {
    const code = card.dataset.code;
    ["mouseenter", "focusin"].forEach((e) => card.addEventListener(e, () => light(code, true)));
    ["mouseleave", "focusout"].forEach((e) => card.addEventListener(e, () => light(code, false)));
  });
  marks.forEach((m) => m.addEventListener("click", () => {
    const card = document.getElementById("c-" + m.dataset.codes.split(" ")[0]);
    if (card) card.focus();
  }));

  // Copy buttons.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.value || source.textContent);
        button.textContent = "Copied";
      } catch (e) {
        source.select();
      }
    });
  });
})();
