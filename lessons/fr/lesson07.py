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
# # Leçon 7 : Un nombre qui se souvient
#
# Dans la leçon 6, tu as écrit la rétropropagation **à la main** : les 7 étapes de
# `backward(cache, probas, cible)`. Les vrais frameworks (PyTorch, JAX) calculent les
# gradients **tout seuls**. Aujourd'hui, on construit l'outil qui le fait : une
# **Valeur**, un nombre qui note comment il a été fabriqué.
#
# Au programme :
# 1. une Valeur en une soixantaine de lignes, que tu écris toi-même ;
# 2. un neurone : ses gradients à la main, puis avec `backward()` ;
# 3. le softmax et sa loss, sur trois lettres.

# %%
from lessons.kit import check, draw, guess, number, play, start

start(7, "fr")  # la leçon 7, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : une Valeur, en quelques cellules
#
# Une Valeur garde **cinq choses** : son nombre (`data`), son gradient (`grad`, rempli
# plus tard), les Valeurs d'où elle vient (ses **enfants**), ses **pentes** (les dérivées
# locales : de combien elle bouge quand un enfant bouge un tout petit peu), et le nom de
# l'opération qui l'a fabriquée.
#
# On garde les noms anglais `data`, `grad` et `backward()` : ce sont ceux de PyTorch et
# de `autograd.Value`, que tu retrouveras plus bas.

# %%
import math


class Valeur:
    """Un nombre qui se souvient de comment il a été fabriqué."""

    def __init__(self, data, enfants=(), pentes=(), op=""):
        self.data = data  # le nombre lui-même
        self.grad = 0.0  # d(sortie)/d(ce nombre) : rempli par backward()
        self.enfants = enfants  # les Valeurs d'où il vient
        self.pentes = pentes  # ses dérivées locales, une par enfant
        self.op = op  # l'opération qui l'a fabriqué

    def __repr__(self):
        return f"Valeur(data={self.data:.4g}, grad={self.grad:.4g})"


# %% [markdown]
# L'addition et la multiplication. Chacune calcule son résultat **et** ses pentes, tout
# de suite : pour `a + b`, si `a` bouge un peu, le résultat bouge autant (pente 1) ;
# pour `a * b`, il bouge `b` fois plus (la pente de `a`, c'est `b`, et inversement).


# %%
def additionner(self, autre):
    autre = autre if isinstance(autre, Valeur) else Valeur(autre)  # 2 devient Valeur(2)
    return Valeur(self.data + autre.data, (self, autre), (1.0, 1.0), "+")


def multiplier(self, autre):
    autre = autre if isinstance(autre, Valeur) else Valeur(autre)
    return Valeur(self.data * autre.data, (self, autre), (autre.data, self.data), "*")


Valeur.__add__ = Valeur.__radd__ = additionner  # a + b, et 2 + a
Valeur.__mul__ = Valeur.__rmul__ = multiplier  # a * b, et 2 * a

# %% [markdown]
# Trois opérations d'une seule entrée : `exp` est sa propre dérivée, `log` a pour pente
# `1/a`, et `relu` laisse passer (pente 1) quand elle est allumée, rien (pente 0) sinon.


# %%
def exp(self):
    e = math.exp(self.data)
    return Valeur(e, (self,), (e,), "exp")  # la pente de exp, c'est exp


def log(self):
    return Valeur(math.log(self.data), (self,), (1.0 / self.data,), "log")


def relu(self):
    allumee = self.data > 0
    return Valeur(self.data if allumee else 0.0, (self,), (1.0 if allumee else 0.0,), "relu")


Valeur.exp, Valeur.log, Valeur.relu = exp, log, relu

# %% [markdown]
# Et maintenant **backward()**, la règle de la chaîne faite par la machine :
#
# 1. ranger les Valeurs dans l'**ordre du calcul** (chaque Valeur après ses enfants :
#    c'est un *ordre topologique*) ;
# 2. partir de la sortie (`grad = 1`) et remonter cet ordre **à l'envers** : chaque
#    Valeur donne à chaque enfant `pente * son propre grad`.
#
# Le `+=` compte : une Valeur utilisée deux fois reçoit deux gradients, qui s'additionnent.


# %%
def backward(self):
    """Remplit le grad de chaque Valeur dont self dépend : la règle de la chaîne."""
    ordre, vues = [], set()

    def ranger(v):  # d'abord les enfants, puis v
        if v not in vues:
            vues.add(v)
            for enfant in v.enfants:
                ranger(enfant)
            ordre.append(v)

    ranger(self)
    self.grad = 1.0  # d(sortie)/d(sortie)
    for v in reversed(ordre):  # de la sortie vers les entrées
        for enfant, pente in zip(v.enfants, v.pentes):
            enfant.grad += pente * v.grad


Valeur.backward = backward

# %% [markdown]
# Essayons avec `a = 2` et `b = -3`. Le produit `c = a * b` se souvient de tout :

# %%
a, b = Valeur(2.0), Valeur(-3.0)
c = a * b
print("c =", c)
print("opération :", c.op, "; enfants :", c.enfants[0].data, "et", c.enfants[1].data)
print("pentes :", number(c.pentes[0]), "et", number(c.pentes[1]))

# %% [markdown]
# Les pentes : si `a` bouge un tout petit peu, `c` bouge `b = -3` fois plus ; si `b`
# bouge, `a = 2` fois plus. Voici les cinq opérations, avec leurs pentes :

# %%
exemples = {
    "a + b": a + b,
    "a * b": a * b,
    "a.exp()": a.exp(),
    "a.log()": a.log(),
    "a.relu()": a.relu(),
    "b.relu()": b.relu(),
}
for code, v in exemples.items():
    pentes = " ; ".join(number(p) for p in v.pentes)
    print(f"{code:9} opération {v.op:5} résultat {number(v.data):>7}   pentes {pentes}")

# %% [markdown]
# Avec ces cinq-là, on construit tout le mini-LLM : `a - b`, c'est `a + (-1) * b`, et
# le softmax n'a besoin que de `exp`, `+`, `log` et `*`.

# %% [markdown]
# ## Étape 2 : un neurone, à la main et avec backward()
#
# Un neurone, comme les 32 du MLP du mini-LLM : `y = relu(w1 * x1 + w2 * x2 + b)`.
# La fonction ci-dessous le construit avec n'importe quelle classe de nombres `V` : notre
# `Valeur`, ou plus bas celle du projet.


# %%
def neurone(b, V=Valeur):
    """y = relu(w1 * x1 + w2 * x2 + b), et ses entrées par nom."""
    entrees = {"x1": V(2.0), "w1": V(0.6), "x2": V(1.0), "w2": V(-0.4), "b": V(b)}
    for nom, v in entrees.items():
        v.label = nom  # un nom pour les dessins
    e = entrees
    y = (e["w1"] * e["x1"] + e["w2"] * e["x2"] + e["b"]).relu()
    return y, entrees


# %% [markdown]
# **À la main d'abord**, avec la règle de la chaîne : si je pousse un poids un tout petit
# peu, de combien bouge `y` ? On part de `y`, on remonte une opération à la fois, et on
# multiplie par chaque pente. Deux règles suffisent : une somme transmet son gradient tel
# quel ; un produit envoie à chaque entrée le gradient fois l'autre entrée.

# %%
x1, w1, x2, w2, b = 2.0, 0.6, 1.0, -0.4, 0.1
s = w1 * x1 + w2 * x2 + b
d_s = 1.0 if s > 0 else 0.0  # dy/ds : la pente de relu, 1 allumée, 0 éteinte
a_la_main = {"x1": d_s * w1, "w1": d_s * x1, "x2": d_s * w2, "w2": d_s * x2, "b": d_s}
print("s =", number(s), "; relu allumée :", s > 0)

# %% [markdown]
# **Et maintenant par la machine** : `y.backward()` relit les notes à l'envers.

# %%
y, entrees = neurone(0.1)
y.backward()
for nom, v in entrees.items():
    print(f"dy/d{nom:3} à la main {number(a_la_main[nom]):>5}   backward() {number(v.grad):>5}")
ecart_valeur = max(abs(a_la_main[nom] - v.grad) for nom, v in entrees.items())
print("plus grand écart :", number(ecart_valeur))

# %% [markdown]
# Les mêmes nombres : `backward()` applique la règle de la chaîne, note après note,
# exactement comme toi.
#
# ### La Valeur du projet : la même idée, avec des garde-fous
#
# Le projet a sa propre Valeur, `autograd.Value` (dans `autograd/value.py`, à lire
# juste après cette leçon). Même neurone, mêmes gradients :

# %%
import autograd

y_projet, entrees_projet = neurone(0.1, V=autograd.Value)
y_projet.backward()
ecart_projet = max(abs(entrees[nom].grad - v.grad) for nom, v in entrees_projet.items())
print(
    "y :", number(y.data), "et", number(y_projet.data), "; plus grand écart :", number(ecart_projet)
)

# %% [markdown]
# Ce qu'elle ajoute, ce sont des garde-fous. Un `log` d'un nombre négatif, d'abord :

# %%
for V in (Valeur, autograd.Value):
    try:
        V(-1.0).log()
    except ValueError as erreur:
        print(f"{V.__name__} : {erreur}")

# %% [markdown]
# Et un graphe très profond : notre `ranger()` s'appelle lui-même une fois par Valeur, et
# Python arrête les appels imbriqués trop profonds. Celle du projet prend alors une pile
# à elle.

# %%
profondeur = 5000
for V in (Valeur, autograd.Value):
    chaine = V(1.0)
    for _ in range(profondeur):
        chaine = chaine + 1.0
    try:
        chaine.backward()
        print(f"{V.__name__} : backward() sur {profondeur} additions, sans souci")
    except RecursionError:
        print(f"{V.__name__} : RecursionError, trop d'appels imbriqués")

# %% [markdown]
# Le graphe du neurone, dessiné par le projet (chaque case : opération | nom | data |
# grad), puis `backward()` rejoué un pas à la fois (→ avance, ← recule) :

# %%
draw(y_projet, "neurone", "le graphe du neurone")
play(y_projet, "neurone_lecteur", "backward() sur ton neurone, un pas à la fois")

# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# Trouve un biais `bias` qui **éteint** le neurone : sa sortie `y` devient 0.
# Change `bias` dans la cellule ci-dessous, puis exécute-la, et la suivante.
# (Dans un terminal, la leçon te demande ta réponse.)

# %% tags=["values"]
bias = 0.1  # <-- un biais qui éteint le neurone

# %%
bias = guess("bias", bias)
y_exercice, _ = neurone(bias)
partie_allumee = w1 * x1 + w2 * x2  # s = partie_allumee + b
bravo = (
    f"Avec b = {number(bias)}, y = 0 : le neurone est éteint (tout biais inférieur ou égal "
    f"à {number(-partie_allumee)} l'éteint), et tous ses gradients sont nuls."
)
indice = (
    f"Avec b = {number(bias)}, s est encore positif : le neurone reste allumé. "
    "s vaut w1 * x1 + w2 * x2 + b : jusqu'où faut-il descendre b ?"
)
check(1, y_exercice.data == 0, bravo, indice)

# %% [markdown]
# Une ReLU éteinte ne laisse passer aucun gradient : cet exemple ne peut rien apprendre
# à ses poids.

# %% [markdown]
# ## Étape 3 : softmax et cross-entropy, sur trois lettres
#
# La fin du mini-LLM : un score (logit) par lettre, un softmax qui les change en
# probabilités, et la loss `-log(p_cible)`. Comme `p_cible = exp(z_cible) / total`,
# avec `total = exp(z_a) + exp(z_b) + exp(z_c)`, la loss s'écrit aussi
# `log(total) - z_cible` : rien que des opérations que notre Valeur connaît.

# %%
scores = {"a": 2.0, "b": 1.0, "c": 0.1}  # les logits de trois lettres


def perte(cible, V=Valeur):
    """La cross-entropy du softmax : log(total) - z_cible, et les scores par lettre."""
    z = {lettre: V(score) for lettre, score in scores.items()}
    total = z["a"].exp() + z["b"].exp() + z["c"].exp()
    return total.log() + (-1.0) * z[cible], z


total = sum(math.exp(score) for score in scores.values())
probas = {lettre: math.exp(score) / total for lettre, score in scores.items()}
for lettre, p in probas.items():
    print(f"p_{lettre} = {number(p, '.1%'):>6}  " + "█" * round(40 * p))

# %% [markdown]
# ### À toi de jouer ! (exercice 2)
#
# Avec « a » comme bonne lettre : **avant** que les gradients s'affichent, devine la somme
# `dloss/dz_a + dloss/dz_b + dloss/dz_c` des trois gradients (`guess_sum`). Une piste : les
# probabilités font toujours 1.

# %% tags=["values"]
guess_sum = 1.0  # <-- ta réponse pour la somme des trois gradients

# %%
guess_sum = guess("guess_sum", guess_sum)

# %% [markdown]
# Les gradients, de deux façons : par `backward()`, et par le raccourci des leçons 2 et 3,
# `p - y` (la probabilité, moins 1 pour la bonne lettre).

# %%
loss, z = perte("a")
loss.backward()
for lettre, v in z.items():
    raccourci = probas[lettre] - (1.0 if lettre == "a" else 0.0)
    print(f"dloss/dz_{lettre} : backward() {number(v.grad):>8}   p - y {number(raccourci):>8}")
somme = sum(v.grad for v in z.values())
bravo = (
    f"Exactement : la somme est nulle (le calcul donne {number(somme, '.2g')}, une erreur "
    "d'arrondi). Ajouter 1 à tous les scores ne change aucune probabilité."
)
indice = (
    f"Ce n'est pas {number(guess_sum)}. Avec 1 de plus sur chaque score, que deviennent "
    "les probabilités ?"
)
check(2, abs(guess_sum - somme) < 1e-6, bravo, indice)

# %% [markdown]
# Le raccourci `p - y`, c'est la règle de la chaîne, simplifiée. Et la Valeur du projet
# trouve les mêmes gradients :

# %%
loss_projet, z_projet = perte("a", V=autograd.Value)
loss_projet.backward()
ecart_softmax = max(abs(z[lettre].grad - v.grad) for lettre, v in z_projet.items())
print(
    "loss :", number(loss.data), "; plus grand écart avec autograd.Value :", number(ecart_softmax)
)

# %% [markdown]
# ### À toi de jouer ! (exercice 3)
#
# Quelle bonne lettre (`target` : "a", "b" ou "c") donnerait la **plus grosse loss**, et
# la plus forte poussée sur son score ?

# %% tags=["values"]
target = "a"  # <-- "a", "b" ou "c"

# %%
target = guess("target", target)
pertes = {lettre: perte(lettre)[0].data for lettre in scores}
pire = max(pertes, key=pertes.get)
bravo = (
    f"Oui : « {pire} », la lettre la moins probable, donne la plus grosse loss "
    f"({number(pertes[pire], '.3f')}) et la plus forte poussée sur son score "
    f"(gradient {number(probas[pire] - 1, '.3f')}) : c'est là que le modèle se trompe le plus."
)
indice = f"Ce n'est pas « {target} ». Quelle lettre le modèle trouve-t-il la moins probable ?"
check(3, target == pire, bravo, indice)

# %% [markdown]
# ## En vrai...
#
# **PyTorch** fait exactement ce que fait notre Valeur : pendant le calcul, chaque
# opération note ses entrées et de quoi calculer ses pentes, et `loss.backward()` remonte
# ces notes dans l'ordre inverse et remplit les `.grad`. Deux différences : ses nombres
# sont des **tenseurs** (des tableaux entiers, pas un nombre à la fois), et ses pentes
# sont écrites en C++ pour aller vite.
#
# **JAX** fait le même calcul autrement : `jax.grad(f)` prend une fonction Python et
# rend la fonction de ses gradients ; il n'y a pas d'attribut `.grad` sur les nombres.
#
# Si PyTorch est installé (`pip install torch`), la cellule suivante lui fait calculer
# les gradients de notre softmax :

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch n'est pas installé : cette cellule ne fait rien.")
if torch is not None:
    z_torch = torch.tensor(list(scores.values()), dtype=torch.float64, requires_grad=True)
    loss_torch = torch.logsumexp(z_torch, dim=0) - z_torch[0]  # log(total) - z_a
    loss_torch.backward()
    ecart_torch = max(abs(g - z[l].grad) for g, l in zip(z_torch.grad.tolist(), scores))
    print("PyTorch : plus grand écart avec notre Valeur :", number(ecart_torch))

# %% [markdown]
# ## Ce qu'on a appris
#
# - Une Valeur est un nombre qui se souvient de ses enfants, de son opération et de ses
#   pentes.
# - Cinq opérations suffisent : `+`, `*`, `exp`, `log`, `relu`.
# - `backward()`, c'est la règle de la chaîne, dans l'ordre topologique inversé : les
#   mêmes nombres qu'à la main.
# - Une Valeur utilisée deux fois reçoit deux gradients, qui s'additionnent ; le
#   raccourci `p - y` du softmax, c'est la règle de la chaîne, simplifiée.
#
# **À lire ensuite** : `autograd/value.py`, la même Valeur avec ses garde-fous.
# **Prochaine étape**, la leçon 8 : dans quel ordre `backward()` relit-elle les notes ?
