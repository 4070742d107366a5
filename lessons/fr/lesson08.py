# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# > **Rappel** : clique sur une cellule grise, puis **Shift + Entrée** pour l'exécuter.
# > Exécute les cellules **dans l'ordre**, de haut en bas.
#
# ---
#
# # Leçon 8 : Remonter le graphe
#
# Dans la leçon 7, `backward()` relisait les notes des Valeurs **à l'envers**. Mais
# dans quel ordre, exactement ? Chaque valeur doit passer **après toutes celles qui
# l'utilisent** : cet ordre vient du graphe lui-même.
#
# Au programme :
# 1. l'ordre topologique, construit sous tes yeux ;
# 2. `backward()`, un nœud à la fois, et ce qui casse dans le mauvais ordre ;
# 3. une valeur utilisée deux fois ;
# 4. un deuxième `backward()`, et `zero_grad()` ;
# 5. `no_grad()`, quand on n'a pas besoin de gradient ;
# 6. vérifier `backward()` avec les différences finies.

# %%
from lessons.kit import check, checked, draw, guess, number, play, start

start(8, "fr")  # la leçon 8, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : dans quel ordre ?
#
# Le graphe du jour : `L = log(a * b + a)`, avec `a = 2` et `b = 3`. Regarde : `a` sert
# **deux fois**, dans `c = a * b` et dans `d = c + a`. On le construit avec
# `autograd.Value`, la Valeur du projet.

# %%
from autograd import Value, topological_order

A, B = 2.0, 3.0  # les entrées de notre petit graphe
NOMS = ["a", "b", "c", "d", "L"]


def petit_graphe(a=A, b=B):
    """L = log(a * b + a) : petit, mais a sert deux fois. Ses valeurs, par nom."""
    v = {"a": Value(a, "a"), "b": Value(b, "b")}
    v["c"] = v["a"] * v["b"]
    v["d"] = v["c"] + v["a"]
    v["L"] = v["d"].log()
    for nom in ("c", "d", "L"):
        v[nom].label = nom  # un nom pour les dessins et les tableaux
    return v


# %% [markdown]
# `backward()` a besoin d'un **ordre topologique** : chaque valeur après toutes celles qui
# ont servi à la calculer. `topological_order(L)` le construit par un **parcours en
# profondeur** depuis `L` : on visite les entrées d'une valeur, jusqu'aux feuilles, avant
# de l'écrire. La fonction ci-dessous fait le même parcours, en notant chaque événement ;
# la **pile** contient les valeurs en cours de visite.


# %%
def ordre_pas_a_pas(racine):
    """Le parcours de topological_order, écrit en entier : l'ordre, et le journal du parcours."""
    ordre, vues, pile, journal = [], set(), [], []

    def visiter(v):
        if id(v) in vues:
            journal.append((f"{v.label}, déjà visitée : on passe", list(pile), list(ordre)))
            return
        vues.add(id(v))
        pile.append(v)
        journal.append((f"visite de {v.label}", list(pile), list(ordre)))
        for enfant in v.children:
            visiter(enfant)
        pile.pop()
        ordre.append(v)  # après toutes ses entrées : c'est toute la règle
        journal.append((f"{v.label} entre dans l'ordre", list(pile), list(ordre)))

    visiter(racine)
    return ordre, journal


# %%
def noms(valeurs):
    """Les noms d'une liste de valeurs, séparés par des espaces ("-" si elle est vide)."""
    return " ".join(v.label for v in valeurs) or "-"


v = petit_graphe()
ordre, journal = ordre_pas_a_pas(v["L"])
print(f"{'ce qui se passe':30} {'pile':10} ordre jusqu'ici")
for evenement, pile, jusque_la in journal:
    print(f"{evenement:30} {noms(pile):10} {noms(jusque_la)}")

# %%
ordre_noms = [x.label for x in ordre]
meme_ordre = ordre_noms == [x.label for x in topological_order(v["L"])]
print("L'ordre :", ", ".join(ordre_noms))
print("exactement celui de topological_order(L) :", meme_ordre)
a_remonter = [x.label for x in reversed(ordre) if x.children]
print("backward() le lit à l'envers :", " -> ".join(a_remonter))

# %% [markdown]
# En remontant depuis la fin, chaque valeur a déjà reçu les gradients de **toutes** celles
# qui l'utilisent quand vient son tour. Les feuilles `a` et `b` n'ont rien à transmettre :
# elles ne viennent d'aucune autre valeur, ce sont les entrées.

# %% [markdown]
# ## Étape 2 : backward(), un nœud à la fois
#
# À la main, ce que fait `backward()` : tous les gradients partent de 0, sauf
# `dL/dL = 1` ; puis chaque valeur, dans l'ordre inverse, ajoute « pente × son gradient »
# à chacune de ses entrées. Les pentes sont celles que la Valeur a notées en se calculant
# (`local_grads`).


# %%
def remonter(v, visites, montrer=False):
    """backward() écrit en entier : dL/dL = 1, puis chaque valeur de `visites` transmet."""
    for x in v.values():
        x.grad = 0.0
    v["L"].grad = 1.0
    for x in visites:
        if montrer:
            print(f"Visite de {x.label} ({x.op}), son gradient vaut {number(x.grad)} :")
        for enfant, pente in zip(x.children, x.local_grads):
            avant = enfant.grad
            enfant.grad += pente * x.grad  # += : une valeur utilisée deux fois reçoit les deux
            if montrer:
                calcul = f"{number(avant)} + {number(pente)} × {number(x.grad)}"
                print(f"  {enfant.label}.grad = {calcul} = {number(enfant.grad)}")


# %%
a_la_main = petit_graphe()
bon_ordre = [x for x in reversed(topological_order(a_la_main["L"])) if x.children]
remonter(a_la_main, bon_ordre, montrer=True)

# %% [markdown]
# Et maintenant `L.backward()`, sur un graphe neuf :

# %%
machine = petit_graphe()
machine["L"].backward()
grads = {nom: machine[nom].grad for nom in NOMS}
print("backward() :", " ; ".join(f"{nom}.grad = {number(g)}" for nom, g in grads.items()))
memes_grads = all(a_la_main[nom].grad == grads[nom] for nom in NOMS)
print("les mêmes gradients qu'à la main :", memes_grads)
draw(machine["L"], "graphe", "le graphe de L = log(a * b + a), après backward()")

# %% [markdown]
# Les mêmes nombres : `backward()`, c'est cette boucle.
#
# L'ordre compte-t-il ? La même boucle, en visitant `L`, puis `c`, puis `d` : `c` avant
# `d`, alors que `d` utilise `c`.

# %%
faux = petit_graphe()
remonter(faux, [faux["L"], faux["c"], faux["d"]])
print(f"{'valeur':7} {'bon ordre':>10} {'mauvais ordre':>14}")
for nom in NOMS:
    print(f"{nom:7} {number(grads[nom]):>10} {number(faux[nom].grad):>14}")
grads_faux = [nom for nom in NOMS if faux[nom].grad != grads[nom]]
print(len(grads_faux), "gradient(s) faux :", ", ".join(grads_faux))

# %% [markdown]
# Visitée avant que `d` lui transmette son gradient, `c` n'avait encore rien reçu : elle a
# transmis 0 à ses entrées, qui n'ont jamais eu leur part.

# %% [markdown]
# ## Étape 3 : une valeur utilisée deux fois
#
# `a` a reçu deux contributions, de `c = a * b` et de `d = c + a` : **deux chemins** vont
# de `a` à `L`. La pente de `log` en `d`, c'est `1/d`.

# %%
d_L_d = 1.0 / machine["d"].data  # dL/dd : la pente de log, c'est 1/d
par_c = d_L_d * 1.0 * B  # a -> c -> d -> L : la pente de c = a * b, c'est b
par_d = d_L_d * 1.0  # a -> d -> L : la pente de d = c + a, c'est 1
print(f"chemin a -> c -> d -> L : {number(d_L_d)} × 1 × b = {number(par_c)}")
print(f"chemin a -> d -> L      : {number(d_L_d)} × 1 = {number(par_d)}")
print(f"a.grad = {number(par_c)} + {number(par_d)} = {number(par_c + par_d)}")
print("backward() a trouvé :", number(machine["a"].grad))

# %% [markdown]
# Vérifions sans `backward()`, par la définition de la dérivée : on pousse `a` d'un
# millionième, d'un côté puis de l'autre, et on regarde de combien bouge `L`.


# %%
def f(a, b):
    """La même fonction, pour vérifier : elle prend les entrées et rend L."""
    return (a * b + a).log()


poussee = 1e-6  # un millionième
en_haut, en_bas = f(Value(A + poussee), Value(B)), f(Value(A - poussee), Value(B))
pente_numerique = (en_haut.data - en_bas.data) / (2 * poussee)
print("une poussée d'un millionième :", number(pente_numerique, ".6f"))

# %% [markdown]
# Les deux chemins s'additionnent, d'où le `+=` de `backward()`. Avec un simple `=`, le
# chemin visité en dernier écraserait l'autre : `a.grad` vaudrait seulement celui par `c`.
# Le lecteur ci-dessous rejoue `backward()` : regarde `a.grad` recevoir ses deux
# contributions, l'une après l'autre (→ avance, ← recule).

# %%
play(machine["L"], "deux_fois", "a.grad reçoit ses deux contributions, l'une après l'autre")

# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# `y = a * a`, avec `a = 2` : ici `a` sert deux fois **dans la même opération**. Devine
# `dy/da`, et écris-le dans `guess_square_grad` ci-dessous.
# (Dans un terminal, la leçon te demande ta réponse.)

# %% tags=["values"]
guess_square_grad = 0.0  # <-- ta réponse pour dy/da, avec y = a * a et a = 2

# %%
guess_square_grad = guess("guess_square_grad", guess_square_grad)
a = Value(A, "a")
carre = a * a
carre.backward()
bravo = (
    f"Oui, {number(a.grad)} ! Chacune des deux flèches de a vers le produit transporte "
    f"l'autre entrée (a = {number(A)}), et elles s'additionnent : "
    f"{number(A)} + {number(A)} = {number(a.grad)}. C'est la règle d(a²)/da = 2a."
)
indice = (
    f"Ce n'est pas {number(guess_square_grad)}. Les deux entrées de a * a sont a : "
    "que reçoit chacune, et que fait backward() de deux contributions ?"
)
check(1, abs(guess_square_grad - a.grad) < 1e-9, bravo, indice)

# %% [markdown]
# ## Étape 4 : appeler backward() deux fois
#
# Et si on rappelle `backward()` sur le même graphe ? Un premier appel, pour commencer :

# %%
v = petit_graphe()
v["L"].backward()
une_fois = {nom: v[nom].grad for nom in NOMS}
print("après un appel, a.grad =", number(une_fois["a"]))

# %% [markdown]
# ### À toi de jouer ! (exercice 2)
#
# On appelle `backward()` **`backward_calls` fois d'affilée** (au moins 2) sur ce même
# graphe. Devine ce que vaut alors `a.grad`, et écris-le dans `guess_calls_grad`.

# %% tags=["values"]
backward_calls = 2  # <-- combien d'appels à backward() d'affilée (au moins 2)
guess_calls_grad = 0.0  # <-- ta réponse pour a.grad après tous ces appels

# %%
backward_calls = checked("backward_calls", backward_calls)
guess_calls_grad = guess("guess_calls_grad", guess_calls_grad)

# %%
for _ in range(backward_calls - 1):  # le premier appel est déjà fait
    v["L"].backward()
bravo = (
    f"C'est ça : après {backward_calls} appels, a.grad = {number(v['a'].grad)}. Chaque "
    "backward() ajoute ses gradients à ceux qui sont déjà là. N'oublie jamais zero_grad() "
    "dans une boucle d'entraînement !"
)
indice = (
    f"Ce n'est pas {number(guess_calls_grad)} ({backward_calls} appel(s) ; l'exercice en "
    "demande 2 ou plus). Le deuxième backward() repart-il de 0 ?"
)
check(2, backward_calls >= 2 and abs(guess_calls_grad - v["a"].grad) < 1e-9, bravo, indice)

# %%
print(f"{'valeur':7} {'après 1 appel':>14} {f'après {backward_calls}':>12} {'×':>5}")
for nom in NOMS:
    fois = v[nom].grad / une_fois[nom]
    print(f"{nom:7} {number(une_fois[nom]):>14} {number(v[nom].grad):>12} {number(fois):>5}")
multiplies = all(abs(v[nom].grad - backward_calls * une_fois[nom]) < 1e-12 for nom in NOMS)
print(f"tous les gradients multipliés par {backward_calls} :", multiplies)

# %% [markdown]
# Chaque `backward()` **ajoute** ses gradients à ceux déjà là. C'est utile pour un batch
# (les gradients de plusieurs exemples s'additionnent), mais une étape d'entraînement ne
# veut que les siens : `zero_grad()` les remet à 0 avant le prochain `backward()`.

# %%
from autograd import zero_grad

zero_grad(topological_order(v["L"]))
remis_a_zero = [v[nom].grad for nom in NOMS]
v["L"].backward()
comme_neufs = all(v[nom].grad == une_fois[nom] for nom in NOMS)
print("après zero_grad() :", " ; ".join(number(g) for g in remis_a_zero))
print("puis un backward() :", " ; ".join(number(v[nom].grad) for nom in NOMS))
print("les gradients d'un seul appel :", comme_neufs)

# %% [markdown]
# ## Étape 5 : no_grad(), quand on n'a pas besoin de gradient
#
# Prendre des notes coûte du temps et de la mémoire. Quand on veut seulement des nombres,
# par exemple pour inventer des noms avec le modèle entraîné, aucune note n'est utile.
# Dans `with no_grad():`, les Valeurs calculent mais ne retiennent rien :

# %%
from autograd import is_grad_enabled, no_grad

a, b = Value(A, "a"), Value(B, "b")
avec_notes = (a * b + a).log()
with no_grad():
    dedans = is_grad_enabled()  # à l'intérieur : False
    sans_notes = (a * b + a).log()
taille_avec = len(topological_order(avec_notes))
taille_sans = len(topological_order(sans_notes))
print(f"avec les notes : un graphe de {taille_avec} valeurs")
print(f"dans no_grad() : {taille_sans} valeur, {number(sans_notes.data, '.4f')}")
print("à l'intérieur, is_grad_enabled() vaut", dedans)

# %%
sans_notes.backward()
entrees_sans_notes = len(sans_notes.children)
print("entrées notées :", entrees_sans_notes, "; après backward(), a.grad =", number(a.grad))

# %% [markdown]
# `backward()` ne remonte nulle part : sans notes, `a.grad` reste à 0. Pratique pour
# générer du texte, inutile pour apprendre.

# %% [markdown]
# ## Étape 6 : vérifier avec les différences finies
#
# Comment être sûr que `backward()` a raison ? Par la définition de la dérivée, comme à
# l'étape 3 : `dL/da` vaut à peu près `(L(a + eps) - L(a - eps)) / (2 * eps)` pour un
# `eps` tout petit. `gradcheck()` fait ce calcul pour chaque entrée et le compare à
# `backward()` ; il lève une erreur s'ils ne sont pas d'accord.

# %%
from autograd import gradcheck

rapport = gradcheck(f, [Value(A, "a"), Value(B, "b")])  # une erreur s'ils diffèrent
print(f"gradcheck réussit sur ses {rapport.checked} entrées : {rapport.ok}")
print(f"le plus gros écart est sur {rapport.worst_label} :")
print("  backward()           ", number(rapport.analytic, ".10f"))
print("  différences finies   ", number(rapport.numeric, ".10f"))
print("  différence           ", number(rapport.abs_error, ".1e"))

# %% [markdown]
# ### À toi de jouer ! (exercice 3)
#
# Avant le tableau qui donne la réponse : trouve un pas `eps` pour lequel `gradcheck`
# **échoue**, alors que `backward()` a raison. Change `eps` ci-dessous.

# %% tags=["values"]
eps = 1e-6  # <-- un pas des différences finies pour lequel gradcheck échoue

# %%
eps = guess("eps", eps)
essai = gradcheck(f, [A, B], eps=eps, raise_on_failure=False)
bravo = (
    f"Bien joué : avec eps = {number(eps)}, les différences finies se trompent de "
    f"{number(essai.abs_error, '.1e')}, et gradcheck échoue. Pourtant backward() a raison ! "
    "Une vérification ne vaut que ce que vaut son eps."
)
indice = (
    f"Avec eps = {number(eps)}, gradcheck réussit (écart {number(essai.abs_error, '.1e')}) : "
    "essaie un pas bien plus grand, ou bien plus petit."
)
check(3, not essai.ok, bravo, indice)

# %% [markdown]
# La même vérification pour `eps` de 0,1 à 0,0000000000001 (les barres : les chiffres sur
# lesquels `backward()` et les différences finies sont d'accord) :

# %%
import math

ecarts, echecs = {}, []  # l'écart de chaque pas, et les pas qui échouent
for puissance in range(1, 14):
    pas = f"1e-{puissance:02d}"
    r = gradcheck(f, [A, B], eps=float(pas), raise_on_failure=False)
    ecarts[pas] = r.abs_error
    chiffres = -math.log10(max(r.abs_error, 1e-17) / abs(r.analytic))
    barre = "█" * round(chiffres)
    print(f"eps = {pas} {barre:12} écart {number(r.abs_error, '.1e'):>8}  ok {r.ok}")
    if not r.ok:
        echecs.append(pas)
print("gradcheck échoue pour eps =", ", ".join(echecs))
print("le pas qui garde le plus de chiffres :", min(ecarts, key=ecarts.get))

# %% [markdown]
# Trop grand, la courbe s'incurve sur la largeur du pas (l'erreur grandit comme `eps²`) ;
# trop petit, les arrondis mangent les chiffres (un float en garde environ 16). Entre les
# deux, un pas moyen garde le plus de chiffres : c'est pourquoi `gradcheck()` prend
# `eps = 1e-6` si on ne lui dit rien.

# %% [markdown]
# ## En vrai...
#
# **PyTorch** fait la même chose, en plus gros. Pendant le calcul, chaque opération sur
# un tenseur qui a `requires_grad=True` note son nœud (`grad_fn`) ; `loss.backward()`
# parcourt ce graphe depuis la fin, et ne visite un nœud qu'une fois que tous ceux qui
# l'utilisent lui ont transmis leur gradient (un ordre topologique, trouvé en comptant
# les dépendances plutôt qu'avec une pile). Les `.grad` **s'additionnent** aussi d'un
# appel à l'autre : c'est pourquoi chaque boucle d'entraînement appelle
# `optimizer.zero_grad()`. `with torch.no_grad():` calcule sans notes, et
# `torch.autograd.gradcheck` compare `backward()` aux différences finies (en `float64`,
# avec `eps = 1e-6`).
#
# **JAX** n'a pas de `.grad` à remettre à zéro : `jax.grad(f)` rend une **fonction** qui
# calcule les gradients à chaque appel, sans rien accumuler. `jax.lax.stop_gradient` joue
# le rôle de `no_grad()` pour une valeur, et `jax.test_util.check_grads` celui de
# `gradcheck`.
#
# Si PyTorch est installé (`pip install torch`), la cellule suivante lui fait faire nos
# deux `backward()` d'affilée, puis son propre `gradcheck` :

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch n'est pas installé : cette cellule ne fait rien.")
if torch is not None:
    a_t = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    b_t = torch.tensor(B, dtype=torch.float64, requires_grad=True)
    for _ in range(2):
        torch.log(a_t * b_t + a_t).backward()  # deux appels : ils s'additionnent aussi
    grad_torch = a_t.grad.item()
    print("PyTorch, après 2 backward() : a.grad =", number(grad_torch))
    gradcheck_torch = torch.autograd.gradcheck(lambda x, y: torch.log(x * y + x), (a_t, b_t))
    print("torch.autograd.gradcheck :", gradcheck_torch)

# %% [markdown]
# ## Ce qu'on a appris
#
# - `topological_order()` range chaque valeur après ses entrées ; `backward()` lit la
#   liste à l'envers, et dans un autre ordre les gradients sont faux.
# - Les gradients s'additionnent (`+=`) : sur les chemins d'une valeur utilisée deux
#   fois, et d'un appel à `backward()` à l'autre ; `zero_grad()` repart de 0.
# - `no_grad()` calcule sans notes ; `gradcheck()` vérifie `backward()` avec les
#   différences finies, et un `eps` bien choisi.
#
# **À lire ensuite** : `topological_order` dans `autograd/graph.py`, puis `backward` dans
# `autograd/value.py`.
# **Prochaine étape**, la leçon 9 : tout le mini-LLM construit avec des Valeurs.
