// Progressive enhancement: without JavaScript the read-only field still lets a reader select the link.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Đã sao chép";
    } catch {
      field.select();
    }
  });
});
