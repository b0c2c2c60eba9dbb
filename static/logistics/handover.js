// Handover form: the recipient's name follows the relation. The page comes with the relation
// "head of household" and the head's name filled in (no script needed); choosing another relation
// empties the name if it still is the head's, and choosing "head" again puts it back.
(function () {
  var relation = document.getElementById("id_relation");
  var name = document.getElementById("id_received_by");
  if (!relation || !name) { return; }
  var head = name.getAttribute("data-head-name") || "";
  relation.addEventListener("change", function () {
    if (relation.value === "head") {
      if (!name.value.trim()) { name.value = head; }
    } else if (name.value.trim() === head) {
      name.value = "";
      name.focus();
    }
  });
})();
