"""Every word the backprop player's page shows, in English and in French.

The page fills the {placeholders} with numbers and names; the rules say where
each local derivative comes from, one per kind of node (player_script.rule).
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Backprop player",
        "drawing": "Drawing the graph with viz.js...",
        "failed": "viz.js could not draw this graph: {error}",
        "reset": "Reset",
        "back": "Step back",
        "step": "Step",
        "play": "Play",
        "pause": "Pause",
        "speed": "{n} steps/s",
        "keys": "Keys: \u2190 back, \u2192 step, space play/pause, Home start, End end.",
        "counter": "step {k} of {n}",
        "start": "Nothing computed yet. Step to run the forward pass, one value at a time.",
        "forward_leaf": "Forward pass, value {k} of {n}: {name} = {data}, a leaf "
        "(a weight, an input or a constant).",
        "forward_op": "Forward pass, value {k} of {n}: {name} = {op} of ({inputs}) = {data}.",
        "forward_box": "Forward pass, scope {k} of {n}: {scope} computes its {values} values.",
        "seed": "Backward pass begins: the root gets grad 1, since d(root)/d(root) = 1.",
        "backward": "Backward step {k} of {n}: {name} has its final grad {grad} and passes it "
        "to each input, times the local derivative:",
        "outside": "Before this step, values this view does not show passed these grads:",
        "outside_only": "Backward step {k} of {n}: the last grads arrive from values this view "
        "does not show:",
        "hidden": "not drawn",
        "scope_step": "Backward step {k} of {n}: scope {scope} is done. Its {passed} values "
        "have passed their grad back; the largest |grad| in it is {largest}.",
        "end": "Done: every grad is final. They are the .grad that backward() gives in Python.",
        "note": "Note",
        "click": "Click a value to see how it was computed and the rule behind its derivatives.",
        "click_box": "Click a box to see its scope.",
        "op": "operation",
        "leaf": "leaf",
        "data": "data",
        "grad": "grad now",
        "scope": "scope",
        "locals": "local derivatives",
        "rule": "rule",
        "no_scope": "none",
        "box_values": "{values} values, {passed} of them pass a grad back",
        "rule_add": "d(a + b)/da = 1 and d(a + b)/db = 1: a sum passes its grad on unchanged.",
        "rule_sum": "d(x1 + ... + xn)/dxi = 1: a sum passes its grad on unchanged to each input.",
        "rule_mul": "d(a * b)/da = b and d(a * b)/db = a: each input gets the other one.",
        "rule_exp": "d(exp x)/dx = exp x: the output itself.",
        "rule_log": "d(log x)/dx = 1/x.",
        "rule_relu": "d relu(x)/dx = 1 if x > 0, else 0 (0 at x = 0 too).",
        "rule_pow": "Power rule: d(x^k)/dx = k * x^(k-1).",
        "rule_dot": "d(w . x)/dw_i = x_i and d(w . x)/dx_i = w_i: each input gets its partner.",
        "rule_max": "d max(x1, ..., xn)/dxi = 1 for the largest input (the first one if "
        "several tie), 0 for the others.",
        "rule_detach": "detach passes no grad back: its local derivative is 0, the input "
        "counts as a constant.",
        "rule_leaf": "A leaf has no inputs: it only receives grads, and adds them up.",
        "rule_other": "The operation stored these numbers when it made this value.",
    },
    "fr": {
        "title": "Lecteur de rétropropagation",
        "drawing": "viz.js dessine le graphe...",
        "failed": "viz.js n'a pas pu dessiner ce graphe : {error}",
        "reset": "Début",
        "back": "Reculer",
        "step": "Avancer",
        "play": "Lecture",
        "pause": "Pause",
        "speed": "{n} pas/s",
        "keys": "Clavier : \u2190 reculer, \u2192 avancer, espace lecture/pause, Début, Fin.",
        "counter": "pas {k} sur {n}",
        "start": "Rien n'est encore calculé. Avancez pour faire la passe avant, "
        "une valeur à la fois.",
        "forward_leaf": "Passe avant, valeur {k} sur {n} : {name} = {data}, une feuille "
        "(un poids, une entrée ou une constante).",
        "forward_op": "Passe avant, valeur {k} sur {n} : {name} = {op} de ({inputs}) = {data}.",
        "forward_box": "Passe avant, bloc {k} sur {n} : {scope} calcule ses {values} valeurs.",
        "seed": "La passe arrière commence : la racine reçoit le gradient 1, "
        "car d(racine)/d(racine) = 1.",
        "backward": "Pas arrière {k} sur {n} : {name} a son gradient définitif, {grad}, et le "
        "transmet à chacune de ses entrées, multiplié par la dérivée locale :",
        "outside": "Avant ce pas, des valeurs que cette vue ne montre pas ont transmis "
        "ces gradients :",
        "outside_only": "Pas arrière {k} sur {n} : les derniers gradients arrivent de valeurs "
        "que cette vue ne montre pas :",
        "hidden": "non dessinée",
        "scope_step": "Pas arrière {k} sur {n} : le bloc {scope} est terminé. Ses {passed} "
        "valeurs ont transmis leur gradient ; le plus grand |grad| y vaut {largest}.",
        "end": "Terminé : tous les gradients sont définitifs. Ce sont les .grad que "
        "backward() calcule en Python.",
        "note": "Remarque",
        "click": "Cliquez sur une valeur pour voir comment elle a été calculée "
        "et d'où viennent ses dérivées.",
        "click_box": "Cliquez sur un bloc pour voir son contenu.",
        "op": "opération",
        "leaf": "feuille",
        "data": "valeur",
        "grad": "gradient actuel",
        "scope": "bloc",
        "locals": "dérivées locales",
        "rule": "règle",
        "no_scope": "aucun",
        "box_values": "{values} valeurs, dont {passed} transmettent un gradient",
        "rule_add": "d(a + b)/da = 1 et d(a + b)/db = 1 : une somme transmet son gradient "
        "tel quel.",
        "rule_sum": "d(x1 + ... + xn)/dxi = 1 : une somme transmet son gradient tel quel "
        "à chaque terme.",
        "rule_mul": "d(a * b)/da = b et d(a * b)/db = a : chaque facteur reçoit l'autre.",
        "rule_exp": "d(exp x)/dx = exp x : la sortie elle-même.",
        "rule_log": "d(log x)/dx = 1/x.",
        "rule_relu": "d relu(x)/dx = 1 si x > 0, sinon 0 (0 aussi en x = 0).",
        "rule_pow": "Dérivée d'une puissance : d(x^k)/dx = k * x^(k-1).",
        "rule_dot": "d(w . x)/dw_i = x_i et d(w . x)/dx_i = w_i : chaque entrée reçoit "
        "son partenaire.",
        "rule_max": "d max(x1, ..., xn)/dxi = 1 pour la plus grande entrée (la première en "
        "cas d'égalité), 0 pour les autres.",
        "rule_detach": "detach ne transmet aucun gradient : sa dérivée locale vaut 0, "
        "l'entrée compte comme une constante.",
        "rule_leaf": "Une feuille n'a pas d'entrée : elle reçoit des gradients et les additionne.",
        "rule_other": "L'opération a rangé ces nombres en calculant cette valeur.",
    },
}
