// The "Trang nhất" screen (articles/admin/front_page.py): reorder the lead and featured slots in the page, by drag
// and drop or by keyboard (the ↑ ↓ buttons, or Alt + arrow keys on a slot), instead of posting the form for each move.
// The slots' fields are renamed after their new places, so "Lưu trang nhất" posts the order shown. Without this
// script every button posts the form and the server makes the same moves.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector(".front-slots");
  if (!list) return;
  const announce = document.querySelector("[data-announce]");
  const slots = () => [...list.querySelectorAll("[data-slot]")];

  function renumber() {
    slots().forEach((slot, index) => {
      slot.querySelectorAll("[name^='slot-']").forEach((field) => {
        field.name = field.name.replace(/^slot-\d+-/, `slot-${index}-`);
        field.id = `id_${field.name}`;
      });
      const label = index === 0 ? "Tiêu điểm" : `Tin nổi bật ${index}`;
      slot.querySelector("[data-slot-label]").textContent = label;
      const [up, down] = slot.querySelectorAll("[data-move]");
      up.setAttribute("aria-label", `Chuyển “${label}” lên`);
      down.setAttribute("aria-label", `Chuyển “${label}” xuống`);
      up.disabled = index === 0;
      down.disabled = index === slots().length - 1;
      slot.querySelectorAll("button[value]").forEach((button) => {
        button.value = button.value.replace(/:\d+$/, `:${index}`);
      });
    });
  }

  function say(slot) {
    const headline = slot.querySelector(".front-headline");
    const place = slot.querySelector("[data-slot-label]").textContent;
    announce.textContent = `${headline ? headline.textContent : "Ô trống"}: giờ là ${place}. Chưa lưu.`;
  }

  function move(slot, step) {
    const all = slots();
    const target = all[all.indexOf(slot) + step];
    if (!target) return;
    if (step < 0) target.before(slot);
    else target.after(slot);
    renumber();
    say(slot);
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    const slot = button.closest("[data-slot]");
    move(slot, Number(button.dataset.move));
    const again = slot.querySelector(`[data-move="${button.dataset.move}"]`);
    (again.disabled ? slot.querySelector("[data-move]:not([disabled])") : again)?.focus();
  });

  list.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const slot = event.target.closest("[data-slot]");
    if (!slot) return;
    event.preventDefault();
    move(slot, event.key === "ArrowUp" ? -1 : 1);
    event.target.focus();
  });

  let dragged = null;
  slots().forEach((slot) => {
    slot.draggable = true;
  });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-slot]");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  list.addEventListener("dragover", (event) => {
    const over = event.target.closest("[data-slot]");
    if (!dragged || !over) return;
    event.preventDefault();
    slots().forEach((slot) => slot.classList.toggle("drop-target", slot === over && slot !== dragged));
  });
  list.addEventListener("drop", (event) => {
    const over = event.target.closest("[data-slot]");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    const all = slots();
    if (all.indexOf(dragged) > all.indexOf(over)) over.before(dragged);
    else over.after(dragged);
    renumber();
    say(dragged);
  });
  list.addEventListener("dragend", () => {
    slots().forEach((slot) => slot.classList.remove("drop-target", "dragging"));
    dragged = null;
  });
});
