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
# # Leçon 12 : Comment les frameworks vont vite
#
# À la leçon 10, autograd entraînait le mini-LLM plus lentement que le backward écrit à
# la main : chaque position fabrique des milliers de Values, puis les reparcourt. Or le
# graphe reste le même, seuls les nombres changent. Les frameworks (`torch.compile`,
# `jax.jit`) **enregistrent** donc le calcul une fois, **écrivent** son code, puis le
# **rejouent**. Notre `autograd.jit` fait pareil, en Python tout simple.
#
# Au programme :
# 1. tracer un neurone, et lire le code qu'autograd a écrit ;
# 2. le programme du mini-LLM, à côté de l'étape écrite à la main en leçon 6 ;
# 3. chronométrer les trois façons de calculer les gradients ;
# 4. le piège : du Python qui regarde les nombres.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, start

start(12, "fr")  # la leçon 12, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : tracer un neurone, et lire le code écrit par autograd
#
# `jit(f)` exécute `f` une fois sur des `Value`, puis écrit son code en Python : une ligne
# par opération à l'aller (le *forward*), une par terme de la règle de la chaîne au retour
# (la rétropropagation). Prenons le neurone de la leçon 7,
# `y = relu(w1 * x1 + w2 * x2 + b)`, chaque valeur nommée pour qu'on lise le code.

# %%
from autograd import Value, jit

NEURONE = {"w1": 0.6, "x1": 2.0, "w2": -0.4, "x2": 1.0, "b": 0.1}  # le neurone de la leçon 7


def nommer(v, nom):
    """Donne un nom à une Value calculée : le code écrit par jit l'utilisera."""
    v.label = nom
    return v


def neurone(w1, x1, w2, x2, b):
    """y = relu(w1 * x1 + w2 * x2 + b), chaque valeur nommée comme en leçon 7."""
    p1, p2 = nommer(w1 * x1, "p1"), nommer(w2 * x2, "p2")
    s = nommer(Value.sum([p1, p2, b]), "s")
    return nommer(s.relu(), "y")


neurone_compile = jit(neurone)  # rien n'est encore enregistré : jit attend le premier appel
y_rejoue, grads_rejoues = neurone_compile(*NEURONE.values())  # enregistre, écrit le code, le rejoue

# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# Avant de regarder le code : combien de lignes aura sa rétropropagation (`guess_lines`) ?
# Une par contribution : chaque entrée de chaque opération en reçoit une (`relu` a une
# entrée, la somme trois, un produit deux). On ne compte pas la première, `g_y = 1.0`.

# %% tags=["values"]
guess_lines = 0  # <-- ta réponse : le nombre de lignes de la rétropropagation

# %%
guess_lines = guess("guess_lines", guess_lines)

# %% [markdown]
# Voici le code qu'autograd a écrit (`neurone_compile.source`) :

# %%
print(neurone_compile.source)

# %% [markdown]
# Lis-le comme la dérivation de la leçon 7 : le forward calcule `p1`, `p2`, `s` et `y` dans
# l'ordre du graphe ; la rétropropagation part de `g_y = 1.0` (`g_` pour « gradient ») et
# remonte une opération à la fois. `relu` ne laisse passer le gradient que si `s > 0`, un
# test refait à chaque appel, avec les nouveaux nombres.


# %%
def lignes_du_retour(source):
    """Les lignes de la règle de la chaîne : après `# backward`, sans g_y = 1.0."""
    retour = source.split("# backward", 1)[1].splitlines()[1:]
    return sum(1 for ligne in retour if " = " in ligne or " += " in ligne) - 1


lignes = lignes_du_retour(neurone_compile.source)
bravo = f"Exact : {lignes} lignes, une par flèche du graphe, de y jusqu'aux entrées."
indice = (
    f"Ce n'est pas {guess_lines}. Compte les entrées de p1 = w1 * x1, p2 = w2 * x2, "
    "s = p1 + p2 + b et relu(s)."
)
check(1, guess_lines == lignes, bravo, indice)

# %% [markdown]
# Le code rejoué donne-t-il les gradients de `backward()` ? Refaisons le neurone avec des
# Values, et comparons entrée par entrée :

# %%
entrees = {nom: Value(x, nom) for nom, x in NEURONE.items()}
y = neurone(*entrees.values())
y.backward()
for (nom, v), rejoue in zip(entrees.items(), grads_rejoues):
    print(f"dy/d{nom:3} code rejoué {number(rejoue):>5}   backward() {number(v.grad):>5}")
ecarts = [abs(rejoue - v.grad) for v, rejoue in zip(entrees.values(), grads_rejoues)]
ecart_neurone = max([*ecarts, abs(y_rejoue - y.data)])
print("plus grand écart :", number(ecart_neurone))

# %% [markdown]
# Exactement les mêmes nombres : les mêmes calculs, dans le même ordre, écrits en toutes
# lettres.

# %% [markdown]
# ## Étape 2 : le programme du mini-LLM, à côté de la leçon 6
#
# Passons au mini-LLM entier, sur la dernière fenêtre d'un nom (la plus longue, donc le
# plus gros programme). `make_step("compiled")` est le pas d'entraînement écrit par `jit` ;
# son dernier programme enregistré est dans `.jitted.last`.

# %%
import inspect

from model import manual
from model.backends import make_step
from model.data import examples
from model.params import Config, flatten, init_params

MOT = "pikachu"
poids = flatten(init_params())
ids, cible = list(examples(MOT, Config().context))[-1]  # sa dernière fenêtre
pas_compile = make_step("compiled")
_, grads_compiles = pas_compile(poids, ids, cible)
programme = pas_compile.jitted.last
lignes_a_la_main = len(inspect.getsourcelines(manual.backward_steps)[0])
operations = number(programme.operations, "d")
print(f"fenêtre de {len(ids)} lettres : {operations} opérations enregistrées")
print(f"rétropropagation écrite : {number(lignes_du_retour(programme.source), 'd')} lignes")
print(f"backward_steps() de la leçon 6 : {lignes_a_la_main} lignes")
fichier = out_file("programme.py")  # trop long pour l'afficher ici : ouvre ce fichier
fichier.write_text(programme.source, encoding="utf-8")
print("le programme entier :", fichier)

# %% [markdown]
# Le programme entier est dans le fichier affiché : ouvre-le, et fais défiler ses lignes.
# Le `backward_steps()` de la leçon 6 boucle sur des lignes et des matrices entières ; le
# code généré écrit chaque multiplication. Voici son étape 2, la sortie, à côté de celle
# d'autograd :


# %%
def etape_a_la_main(numero):
    """Les lignes de l'étape `numero` de manual.backward_steps, sans celles qui la rangent."""
    code = [ligne.rstrip()[4:] for ligne in inspect.getsourcelines(manual.backward_steps)[0]]
    debut = next(i for i, ligne in enumerate(code) if ligne.startswith(f"# Step {numero}:"))
    fin = next(i for i, ligne in enumerate(code) if ligne.startswith(f"# Step {numero + 1}:"))
    return [ligne for ligne in code[debut:fin] if ligne and not ligne.startswith("steps.")]


def bloc_ecrit(source, bloc, combien):
    """Les `combien` premières lignes que le programme écrit sous `# bloc`, au retour."""
    retour = source.split("# backward", 1)[1]
    texte = retour.split(f"    # {bloc}\n", 1)[1].split("    #", 1)[0]
    return [f"# {bloc}"] + [ligne.strip() for ligne in texte.splitlines()[:combien]]


# %%
from itertools import zip_longest

a_gauche = etape_a_la_main(2)  # l'étape 2 de la leçon 6, et autant de lignes d'autograd
a_droite = bloc_ecrit(programme.source, "output", len(a_gauche))
gauche = ["à la main (leçon 6)", "─" * 19, *a_gauche]
droite = ["écrit par autograd", "─" * 18, *a_droite]
largeur = max(len(ligne) for ligne in gauche)
for a, b in zip_longest(gauche, droite, fillvalue=""):
    print(f"  {a:<{largeur}}  │  {b}".rstrip())

# %% [markdown]
# `outer(d_logits, x2)` veut dire « le gradient de `W_out[i][j]` vaut
# `d_logits[i] * x2[j]` » : autograd l'écrit un poids par ligne (`g_logits_26` est
# `d_logits[26]`). Tu avais écrit la règle une fois, avec une boucle ; le traceur a déroulé
# la boucle. Et ses gradients sont bien ceux écrits à la main :

# %%
_, par_la_main = manual.manual_loss_and_grads(init_params(), ids, cible)
ecart_llm = max(abs(a - b) for a, b in zip(flatten(par_la_main), grads_compiles))
print(f"plus grand écart sur les {number(len(poids), 'd')} poids : {number(ecart_llm, '.1e')}")

# %% [markdown]
# ## Étape 3 : chronométrer les trois façons
#
# Un programme est écrit pour une **forme** d'entrées. Le graphe du mini-LLM dépend de la
# longueur de la fenêtre, pas de ses lettres : elles arrivent comme des nombres (des
# lignes de `tok_emb`).
#
# ### À toi de jouer ! (exercice 2)
#
# Combien de programmes `jit` doit-il écrire pour s'entraîner sur tous les noms
# (`guess_programs`) ?

# %% tags=["values"]
guess_programs = 0  # <-- ta réponse : le nombre de programmes à écrire

# %%
guess_programs = guess("guess_programs", guess_programs)

# %%
from model.data import load_names

toutes = [p for nom in load_names() for p in examples(nom, Config().context)]
positions = toutes[: 200 if quick_mode() else 1000]  # le chronomètre en prend une partie
longueurs = sorted({len(fenetre) for fenetre, _ in toutes})
programmes = len(longueurs)
bravo = (
    f"Oui : {programmes}, un par longueur de fenêtre, de {longueurs[0]} à {longueurs[-1]} lettres."
)
indice = (
    f"Ce n'est pas {guess_programs}. Combien de longueurs de fenêtre différentes "
    "l'entraînement rencontre-t-il ?"
)
check(2, guess_programs == programmes, bravo, indice)

# %% [markdown]
# Enregistrons-les : la première fenêtre de chaque longueur fait écrire son programme.

# %%
import time

pas_jit = make_step("compiled")  # un pas neuf : aucun programme encore
debut = time.perf_counter()
premieres = {len(fenetre): (fenetre, suivante) for fenetre, suivante in toutes}
for fenetre, suivante in premieres.values():  # une fenêtre par longueur
    pas_jit(poids, fenetre, suivante)
enregistrement = time.perf_counter() - debut
ecrits = len(pas_jit.jitted.programs)
print(f"{ecrits} programmes enregistrés et compilés en {number(enregistrement, '.2f')} s")

# %% [markdown]
# Maintenant, le chronomètre : les mêmes positions, par les trois façons de calculer les
# gradients (le temps de calcul de ce programme, en millisecondes par position).


# %%
def ms_par_position(pas, positions):
    """Les millisecondes de calcul d'un pas, en moyenne sur les positions."""
    debut = time.process_time()
    for ids, cible in positions:
        pas(poids, ids, cible)
    return 1000 * (time.process_time() - debut) / len(positions)


# %%
facons = {
    "à la main (leçon 6)": make_step("manual"),
    "Values + backward()": make_step("autograd"),
    "compilé (jit)": pas_jit,
}
ms = {facon: ms_par_position(pas, positions) for facon, pas in facons.items()}
reference = ms["à la main (leçon 6)"]
print(f"{'façon':21} {'ms par position':>16} {'x à la main':>12}")
for facon, duree in ms.items():
    print(f"{facon:21} {number(duree, '.3f'):>16} {number(duree / reference, '.2f'):>12}")

# %% [markdown]
# Les mêmes gradients, trois vitesses. Le code compilé n'a aucune Value à créer, aucun
# graphe à trier, aucune boucle sur des lignes. Mais l'enregistrement prend du temps :
# quand est-il rentabilisé ?

# %%
gagne = ms["Values + backward()"] - ms["compilé (jit)"]  # ms gagnées par position
print(f"chronométré sur {number(len(positions), 'd')} positions")
if gagne > 0:
    rentable = number(1000 * enregistrement / gagne, ".0f")
    print(f"l'enregistrement est rentabilisé au bout d'environ {rentable} positions")
print(f"une époque compte {number(len(toutes), 'd')} positions")

# %% [markdown]
# ## Étape 4 : le piège, du Python qui regarde les nombres
#
# Un enregistrement garde les **opérations**, pas le Python qui les entoure : si Python lit
# un nombre pour décider, l'enregistrement ne garde que la décision de ce jour-là. Voici
# deux façons d'écrire un neurone qui s'éteint sous zéro :


# %%
def neurone_qui_lit(w, x):
    """Allumé ou éteint, décidé par Python qui lit le nombre : le graphe dépend des données."""
    z = w * x
    if z.data > 0.0:
        return z
    return z * 0.0


def neurone_dans_le_graphe(w, x):
    """La même fonction, où le choix est une opération du graphe."""
    return (w * x).relu()


NEURONES = {"data": neurone_qui_lit, "relu": neurone_dans_le_graphe}

# %% [markdown]
# ### À toi de jouer ! (exercice 3)
#
# Répare le neurone : choisis `branch = "relu"` (le choix reste dans le graphe) au lieu de
# `"data"` (Python lit le nombre), puis exécute les cellules suivantes.

# %% tags=["values"]
branch = "data"  # <-- "data" ou "relu"

# %%
branch = checked("branch", branch)
if branch not in NEURONES:
    raise ValueError(f'branch doit valoir "data" ou "relu", pas "{branch}" : corrige sa cellule.')
print("neurone choisi :", NEURONES[branch].__name__)

# %%
from autograd import TraceError

try:
    y_piege, grads_piege = jit(NEURONES[branch])(2.0, 3.0)  # w * x = 6 : allumé
    refuse = False
except TraceError as refus:
    refuse = True
    print("jit refuse :", refus)

# %% [markdown]
# Avec `"data"`, jit refuse : le nombre lu avec `.data` deviendrait une constante du code,
# figée sur « allumé » même pour `w * x = -6`. L'erreur (en anglais, comme toutes celles
# du projet) dit où, et quoi écrire à la place.

# %%
if not refuse:  # enregistré allumé (x = 3), rejoué éteint (x = -3)
    y_eteint, grads_eteints = jit(NEURONES[branch])(2.0, -3.0)
    gradients = " et ".join(number(g) for g in grads_eteints)
    print(f"rejoué avec x = -3 : y = {number(y_eteint)}, gradients {gradients}")
bravo = "Réparé : le choix passe par relu, dans le graphe, et jit l'enregistre."
indice = 'jit refuse encore ce neurone : mets branch = "relu" dans sa cellule.'
check(3, not refuse, bravo, indice)

# %% [markdown]
# Le softmax du mini-LLM avait le même piège (`max(s.data for s in scores)`) ; il écrit
# désormais `Value.max(scores).detach()` : un nœud du graphe, que ne traverse aucun
# gradient.

# %% [markdown]
# ## En vrai...
#
# **PyTorch** a deux outils pour cela. `torch.fx` trace une fonction et écrit son code en
# Python, comme notre `jit` ; `torch.compile` va plus loin : il trace le forward **et** le
# backward, puis les fait compiler en code machine pour le processeur ou la carte
# graphique. Quand du Python lit un nombre, il coupe le graphe en morceaux (*graph break*)
# au lieu de refuser.
#
# **JAX** fait comme nous : `jax.jit(f)` trace `f` avec des valeurs abstraites, une fois
# par forme d'entrées, et refuse un `if` sur une valeur tracée ; on écrit
# `jnp.where` ou `jax.lax.cond`, l'équivalent de notre `relu`.
#
# Si PyTorch est installé (`pip install torch`), la cellule suivante fait écrire son code
# au neurone par `torch.fx` :

# %%
try:
    import torch
    import torch.fx
except ImportError:
    torch = None
    print("PyTorch n'est pas installé : cette cellule ne fait rien.")
if torch is not None:

    def neurone_torch(w1, x1, w2, x2, b):
        return torch.relu(w1 * x1 + w2 * x2 + b)

    trace = torch.fx.symbolic_trace(neurone_torch)
    print(trace.code.strip())
    y_torch = trace(*(torch.tensor(x) for x in NEURONE.values()))
    print("y :", number(float(y_torch)), "; le nôtre :", number(y.data))

# %% [markdown]
# ## Ce qu'on a appris
#
# - Le graphe ne dépend que de la forme des exemples : on l'enregistre, on écrit son code,
#   on le rejoue.
# - Le code généré est la rétropropagation de la leçon 6, une multiplication par ligne : les
#   mêmes gradients.
# - Du code en ligne droite sur des flottants bat les Values et les boucles : le secret des
#   frameworks.
# - Le piège : lire un nombre (`.data`) fige une décision ; garde-la dans le graphe
#   (`relu`, `max`, `detach`).
#
# **À lire ensuite** : `autograd/compiler/`, le traceur et l'écrivain de code.
