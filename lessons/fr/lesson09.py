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
# # Leçon 9 : Le mini-LLM construit avec des Values
#
# Le mini-LLM des leçons 5 et 6, écrit une fois de plus, mais avec des `Value` : son
# forward fait les mêmes calculs, et `backward()` trouve ses gradients tout seul.
#
# Au programme :
# 1. le même modèle, avec des Values : la même loss ;
# 2. combien de Values fabrique une seule position, et pourquoi ;
# 3. un dessin d'un morceau lisible du graphe ;
# 4. les gradients de `backward()` à côté de ceux écrits à la main, poids par poids ;
# 5. les 7 étapes de la leçon 6, retrouvées dans `backward()`.

# %%
from lessons.kit import check, checked, draw, guess, number, play, quick_mode, start

start(9, "fr")  # la leçon 9, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : le même modèle, avec des Values
#
# Le modèle lit une **fenêtre** de lettres (`window`, 8 au plus) et doit deviner la
# lettre suivante (`next_letter`). L'exercice 1 te fera changer la fenêtre ici, puis
# exécuter à nouveau les cellules qui suivent.

# %% tags=["values"]
window = ".pik"  # <-- les lettres que voit le modèle (exercice 1 : essaie ".bulbiza")
next_letter = "a"  # <-- la lettre qu'il doit deviner ensuite

# %%
from lessons.kit.values import BadValue
from model import Config, count_params, encode, init_params, manual
from model.data import VOCAB

window, next_letter = checked("window", window), checked("next_letter", next_letter)
inconnues = sorted(set(window + next_letter) - set(VOCAB))
if inconnues:
    raise BadValue(
        f"{inconnues} : la fenêtre et la lettre suivante ne peuvent contenir que « . » "
        "et les lettres de a à z ; change window ou next_letter ci-dessus."
    )
config = Config()
ids = encode(window)[-config.context :]  # les 8 dernières lettres au plus
cible = encode(next_letter)[0]
print("fenêtre :", window, "; ids :", ids, "; lettre à deviner :", next_letter, "=", cible)

# %% [markdown]
# Mêmes poids qu'à la leçon 6 (même graine, 42), mais chaque nombre est enveloppé dans
# une `Value` qui porte un nom (`Wq[3][5]`...). On n'écrit que le forward :

# %%
from model.autodiff import forward, leaves, to_values

poids = init_params(config, seed=42)  # des listes de floats, comme à la leçon 6
poids_values = to_values(poids)  # {"Wq": [[Value, ...], ...], ...}
loss = forward(poids_values, ids, cible)  # le forward, avec des Values
loss_floats = manual.cross_entropy(manual.forward(poids, ids)["logits"], cible)
ecart_loss = abs(loss.data - loss_floats)
print("nombres du modèle :", number(count_params(config), ","))
print("Values feuilles   :", number(len(leaves(poids_values)), ","))
print("loss avec des Values :", number(loss.data, ".12f"))
print("loss avec des floats :", number(loss_floats, ".12f"), "  (le code de la leçon 6)")

# %% [markdown]
# Le même nombre : ce sont les mêmes calculs. Et le backward ? Rien à écrire.

# %% [markdown]
# ## Étape 2 : combien de Values pour une position ?
#
# Chaque opération du forward fabrique une Value, que `backward()` visitera. Comptons-les
# avec `topological_order(loss)`, dans deux graphes :
#
# - **fusionné** (`fused`) : un produit scalaire `w1*x1 + ... + w16*x16` est un seul
#   nœud `dot` ;
# - **pur** (`pure`) : rien que les cinq primitives, donc 16 nœuds `*` puis un nœud `+`.

# %%
from collections import Counter

from autograd import topological_order


def compter(ids, cible, fused):
    """Les Values du graphe d'une position, par sorte : poids, constantes, opérations."""
    compte = Counter()
    for v in topological_order(forward(to_values(poids), ids, cible, fused)):
        if v.children:
            compte[v.op] += 1  # une opération : dot, *, +, exp...
        else:
            compte["poids" if v.label else "constantes"] += 1  # une feuille
    compte["total"] = sum(compte.values())
    return compte


# %% [markdown]
# Le modèle, c'est surtout des produits scalaires. Pour une fenêtre de `n` lettres :
# 16 pour la requête `q`, 2 × n × 16 pour les clés et les valeurs, n pour les scores,
# 16 pour la sortie de l'attention, 32 + 16 pour le MLP et 27 pour les logits.


# %%
def produits_scalaires(n):
    """Combien de nœuds dot pour une fenêtre de n lettres."""
    E, H, V = config.embed_dim, config.hidden_dim, config.vocab_size  # 16, 32, 27
    # q : E | clés et valeurs : 2nE | scores : n | sortie de l'attention : E
    # MLP : H + E | logits : V
    return E + 2 * n * E + n + E + H + E + V


fixe, par_lettre = produits_scalaires(0), produits_scalaires(1) - produits_scalaires(0)
print(f"produits scalaires pour n lettres : {fixe} + {par_lettre} × n")

# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# Change `window` dans la cellule de l'étape 1 pour voir plus de lettres (8 au plus :
# essaie `".bulbiza"`), puis exécute à nouveau les cellules à partir de là.

# %%
n = len(ids)
fusionne = compter(ids, cible, True)
bravo = (
    f"Avec {n} lettre(s), une position fabrique maintenant {number(fusionne['total'], ',')} "
    "Values (fusionné). Plus il y a de lettres, plus il y a de clés, de valeurs et de scores."
)
indice = f'La fenêtre a toujours {n} lettres : essaie plus long, par exemple window = ".bulbiza".'
check(1, n != len(".pik"), bravo, indice)

# %% [markdown]
# ### À toi de jouer ! (exercice 2)
#
# **Avant** le décompte : combien de nœuds `dot` pour tes `n` lettres ? Écris ta réponse
# dans `guess_dots`.

# %% tags=["values"]
guess_dots = 0  # <-- ton compte des nœuds dot pour ta fenêtre

# %%
guess_dots = guess("guess_dots", guess_dots)

# %% [markdown]
# Le décompte, sorte par sorte, dans les deux graphes :

# %%
pur = compter(ids, cible, False)
sortes = ["poids", "constantes", "dot", "*", "+", "exp", "log", "relu", "**", "total"]
print(f"{'sorte de nœud':14} {'fusionné':>9} {'pur':>9}")
for sorte in sortes:
    print(f"{sorte:14} {number(fusionne[sorte], ','):>9} {number(pur[sorte], ','):>9}")
bravo = f"Exact : {guess_dots} produits scalaires pour {n} lettre(s), comme dans le graphe."
indice = f"Ce n'est pas {guess_dots}. Remplace n par {n} dans la formule {fixe} + {par_lettre} × n."
check(2, guess_dots == fusionne["dot"], bravo, indice)

# %% [markdown]
# Dans le graphe pur, un produit scalaire de `m` nombres devient `m` nœuds `*` et un
# `+` : un de plus que le seul `dot` du graphe fusionné, par nombre. Vérifions :

# %%
E, H, V = config.embed_dim, config.hidden_dim, config.vocab_size
# la longueur de chaque produit scalaire, fois leur nombre, étape par étape
en_plus = E * E + 2 * n * E * E + n * E + E * n + H * E + E * H + V * E
ecart_pur = pur["total"] - fusionne["total"]
prevu = produits_scalaires(n)
print(f"{fixe} + {par_lettre} × {n} = {prevu} ; le graphe en contient {fusionne['dot']}")
print("pur - fusionné :", number(ecart_pur, ","), "; prévu :", number(en_plus, ","))
utilises, tous = fusionne["poids"], count_params(config)
print(f"poids dans le graphe : {number(utilises, ',')}, et non {number(tous, ',')}")

# %% [markdown]
# Les poids absents du graphe codent des lettres et des positions qui ne sont pas dans
# la fenêtre : ils ne jouent aucun rôle dans cette loss.
#
# Et pour des fenêtres de 1 à 8 lettres ? Le graphe pur d'une position (fusionné entre
# parenthèses) :

# %%
longue = encode(".pikachu")  # 8 lettres différentes : chacune sa ligne d'embedding
par_longueur = {}
for longueur in range(1, config.context + 1):
    fenetre = ids if longueur == len(ids) else longue[:longueur]
    par_longueur[longueur] = [
        compter(fenetre, cible, False)["total"],
        compter(fenetre, cible, True)["total"],
    ]
plus_grand = max(p for p, _ in par_longueur.values())
for longueur, (p, f) in par_longueur.items():
    barre = "█" * round(40 * p / plus_grand)
    print(f"{longueur} lettre(s) {number(p, ','):>7} {barre} (fusionné : {number(f, ',')})")

# %%
par_lettre_pur = (par_longueur[config.context][0] - par_longueur[1][0]) / (config.context - 1)
nom = [min(p + 1, config.context) for p in range(10)]  # un nom de 9 lettres : 10 positions
par_nom = sum(par_longueur[longueur][0] for longueur in nom)
print("chaque lettre de plus : environ", number(par_lettre_pur, ",.0f"), "nœuds purs")
print("un nom de 9 lettres, 10 positions :", number(par_nom, ","), "nœuds")

# %% [markdown]
# Tous ces nœuds sont à construire puis à remonter, pour chaque nom et à chaque epoch.
# D'où la lenteur de l'autograd face au backward écrit à la main, et l'intérêt du `dot`
# fusionné.

# %% [markdown]
# ## Étape 3 : dessiner un morceau lisible
#
# Des milliers de cases, c'est une bouillie grise. Deux vues lisibles : une case par
# étape du modèle (chaque `with scope(...)` de `model/autodiff.py`), puis un seul score.

# %%
loss = forward(to_values(poids), ids, cible)
loss.backward()
draw(loss, "etapes", "le mini-LLM, une case par étape", group_by="scope")

# %% [markdown]
# Un score d'attention : 16 produits `q[d] * k[d]`, additionnés, puis multipliés par
# 0,25 (1/sqrt(16)). Les cases en pointillés, `q[d]` et `k[d]`, viennent de
# `attention/qkv`. Les 16 produits ont le même gradient : une somme le transmet tel quel.

# %%
trace = {}  # forward() y range ses Values intermédiaires : q, keys, scores...
loss_pur = forward(to_values(poids), ids, cible, fused=False, trace=trace)
loss_pur.backward()
score = trace["scores"][0]  # combien la dernière lettre regarde la première
print("score :", number(score.data, ".4f"), "; son gradient :", number(score.grad, ".4f"))
somme, facteur = score.children  # la somme des produits q[d] * k[d], et 1/sqrt(16)
gradients_produits = sorted({produit.grad for produit in somme.children})
print(len(somme.children), "produits, fois", number(facteur.data), end="")
print(" ; leurs gradients :", ", ".join(number(g, ".4f") for g in gradients_produits))
draw(loss_pur, "un_score", "un score d'attention, dans le graphe pur", focus=score)

# %% [markdown]
# ## Étape 4 : les mêmes gradients que le backward écrit à la main ?
#
# Le vrai test : les gradients de tous les poids, donnés par le backward écrit à la main
# de la leçon 6, et par `backward()` sur le graphe fusionné et sur le pur, comparés poids
# par poids.

# %%
from model.autodiff import grads_of
from model.compare import largest_difference

a_la_main = manual.backward(poids, manual.forward(poids, ids), cible)
par_graphe = {}
for fused in (True, False):
    valeurs = to_values(poids)
    forward(valeurs, ids, cible, fused).backward()
    par_graphe[fused] = grads_of(valeurs)
ecarts = {
    nom: max(largest_difference(a_la_main[nom], par_graphe[f][nom]) for f in (True, False))
    for nom in poids
}
pire_poids = max(ecarts, key=ecarts.get)
ecart_une_position = ecarts[pire_poids]
print("plus grand écart :", number(ecart_une_position, ".1e"), "sur", pire_poids)

# %% [markdown]
# Des arrondis, au 16e chiffre. Et sur beaucoup de positions ?

# %%
from model.compare import compare_backends

positions = 20 if quick_mode() else 200  # --quick : moins de positions
rapport = compare_backends(poids, positions)
ecart_positions = max(rapport["largest_difference"].values())
print(f"sur {rapport['positions']} positions : plus grand écart", number(ecart_positions, ".1e"))

# %% [markdown]
# `backward()` a retrouvé seul ce que le backward de la leçon 6 calcule à la main.
#
# ### À toi de jouer ! (exercice 3)
#
# Change `weight` (`"tok_emb"`, `"pos_emb"`...) : quelles cases n'ont aucun gradient, et
# pourquoi ?

# %% tags=["values"]
weight = "Wq"  # <-- le poids à regarder de près : essaie "tok_emb" ou "pos_emb"

# %%
from model.params import WEIGHTS, flatten

weight = checked("weight", weight)
if weight not in WEIGHTS:
    raise BadValue(f"il n'y a pas de poids {weight!r} ; choisis parmi : {', '.join(WEIGHTS)}")
valeurs = to_values(poids)
forward(valeurs, ids, cible).backward()
cases = leaves({weight: valeurs[weight]})  # ses nombres, dans l'ordre
gradients_main = flatten({weight: a_la_main[weight]})
avec_gradient, combien = sum(1 for g in gradients_main if g != 0.0), len(gradients_main)
print(f"{weight} : {avec_gradient} de ses {combien} nombres ont ici un gradient")
plus_grands = sorted(range(combien), key=lambda i: -abs(gradients_main[i]))[:3]
for i in plus_grands:
    ecart = abs(gradients_main[i] - cases[i].grad)
    a_la_main_i, autograd_i = number(gradients_main[i], "+.6f"), number(cases[i].grad, "+.6f")
    print(f"  {cases[i].label:12} à la main {a_la_main_i}   autograd {autograd_i}", end="")
    print("   écart", number(ecart, ".1e"))

# %%
bravo = (
    f"Dans {weight}, {avec_gradient} nombres sur {combien} ont un gradient. Pour tok_emb, "
    "seules les lignes des lettres de la fenêtre ; pour pos_emb, seules les positions "
    "utilisées : un poids qui n'a joué aucun rôle dans cette position ne reçoit rien."
)
indice = f'Wq : les {combien} nombres ont un gradient. Essaie "tok_emb" : combien de lignes ?'
check(3, weight != "Wq", bravo, indice)

# %% [markdown]
# ## Étape 5 : les 7 étapes écrites à la main, retrouvées dans backward()
#
# Le backward de la leçon 6 calcule le gradient de la loss pour chaque quantité
# intermédiaire : `d_logits`, puis `d_x2`, puis `d_h`... Ce sont aussi des Values du
# graphe, et `backward()` laisse les mêmes gradients dans leur `.grad`, scope par scope,
# de la loss jusqu'aux embeddings : l'ordre des 7 étapes. Le `d_scores` écrit à la main
# contient déjà le 1/sqrt(16) : on le compare au `.grad` de `q . k` avant cette division.

# %%
from model.cli.graph_player import step_name
from model.compare import compare_steps

etapes = compare_steps(poids, ids, cible)
for etape in etapes:
    calcule = ", ".join(q.name for q in etape.quantities)
    nom = step_name(etape.number, "fr")  # sortie, W_out, résiduelle 2...
    print(f"{etape.number} {nom:12} écart max {number(etape.largest_difference, '.1e'):>8}")
    print(f"    calcule : {calcule}")
    print(f"    scopes  : {', '.join(etape.scopes)}")
ecart_etapes = max(e.largest_difference for e in etapes)

# %% [markdown]
# Le lecteur rejoue `backward()` scope par scope (→ avance, ← recule) ; chaque scope dit
# quelle étape écrite à la main il est :

# %%
from model.cli.graph_player import step_notes

notes = step_notes(etapes, "fr")  # chaque scope : son étape écrite à la main
loss = forward(to_values(poids), ids, cible)
play(loss, "etapes_lecteur", "le mini-LLM, scope par scope", group_by="scope", notes=notes)

# %% [markdown]
# ## En vrai...
#
# **PyTorch** ne fabrique pas une Value par nombre : ses nœuds sont des opérations sur
# des **tenseurs** entiers. Un produit matrice-vecteur est **un** nœud, pas des milliers
# de `*` et de `+` : c'est notre `dot` fusionné, poussé jusqu'au bout. Le graphe d'une
# position tient alors en quelques dizaines de nœuds, et chaque nœud calcule beaucoup de
# nombres d'un coup, en C++.
#
# **JAX** trace la fonction une fois (`jax.make_jaxpr`) en une courte liste d'opérations
# sur des tableaux, puis `jax.grad` en déduit la fonction des gradients.
#
# Si PyTorch est installé (`pip install torch`), la cellule suivante compte les nœuds
# d'un neurone de 16 entrées, graphe que notre Value construit avec 16 `*` :

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch n'est pas installé : cette cellule ne fait rien.")
if torch is not None:
    w = torch.ones(16, requires_grad=True)
    y = (w @ torch.ones(16)).relu()  # un produit scalaire de 16 nombres, puis relu
    a_voir, noeuds_torch = [y.grad_fn], 0
    while a_voir:
        noeud = a_voir.pop()
        noeuds_torch += 1
        a_voir += [suivant for suivant, _ in noeud.next_functions if suivant is not None]
    print("PyTorch : nœuds du graphe du neurone :", noeuds_torch)

# %% [markdown]
# ## Ce qu'on a appris
#
# - Construit avec des Values, le mini-LLM fait les mêmes calculs qu'avec des floats :
#   même loss.
# - Une position fabrique des milliers de Values ; le `dot` fusionné en fabrique bien
#   moins.
# - `backward()` retrouve les gradients des 7 étapes écrites à la main, au 16e chiffre
#   près.
#
# **Prochaine étape**, la leçon 10 : entraîner avec l'autograd, et voir qui va le plus vite.
