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
# # Leçon 10 : Entraîner avec l'autograd
#
# Dans la leçon 6, tu as entraîné le mini-LLM avec le backward **écrit à la main**. Depuis,
# tu as construit l'autograd : des Valeurs qui se souviennent, et `backward()` qui trouve
# les gradients tout seul. Aujourd'hui, on entraîne avec.
#
# Au programme :
# 1. la même boucle d'entraînement, peu importe qui trouve les gradients ;
# 2. qui va le plus vite : le backward à la main ou l'autograd ?
# 3. SGD contre Adam : deux façons d'utiliser les mêmes gradients ;
# 4. inventer des noms avec le modèle entraîné.

# %%
from lessons.kit import check, checked, guess, number, quick_mode, start

start(10, "fr")  # la leçon 10, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : la même boucle, peu importe qui trouve les gradients
#
# Dans la leçon 6, un pas d'entraînement, c'était : le forward, le backward écrit à la main,
# puis un petit pas de chaque poids **contre son gradient** (la descente de gradient, SGD).
#
# Le projet a deux fonctions qui rendent `(loss, gradients)` pour une position d'un nom :
# `manual_loss_and_grads` (le backward en 7 étapes de la leçon 6) et
# `autograd_loss_and_grads` (le même forward fait de Valeurs, puis `backward()`).
# On prend quelques noms, toujours les mêmes :

# %%
import random

from model import autograd_loss_and_grads, examples, init_params, load_names, manual_loss_and_grads

rapide = quick_mode()  # la version courte de la leçon (--quick) : moins de noms
tous_les_noms = load_names()


def quelques_noms(combien):
    """Toujours les mêmes noms tirés au hasard : les entraînements restent comparables."""
    return random.Random(0).sample(tous_les_noms, min(combien, len(tous_les_noms)))


# %% [markdown]
# Le pas de SGD : chaque poids recule de `lr` fois son gradient. Les poids sont des
# listes (un vecteur) ou des listes de listes (une matrice).


# %%
def pas_sgd(params, grads, lr):
    """Chaque poids fait un petit pas contre son gradient (la règle de la leçon 6)."""
    for nom, poids in params.items():
        lignes = poids if isinstance(poids[0], list) else [poids]
        lignes_grad = grads[nom] if isinstance(poids[0], list) else [grads[nom]]
        for ligne, ligne_grad in zip(lignes, lignes_grad):
            for j, g in enumerate(ligne_grad):
                ligne[j] -= lr * g


# %% [markdown]
# La boucle reçoit **en paramètre** la fonction qui calcule `(loss, gradients)` : rien
# d'autre dans la boucle ne sait qui les calcule.


# %%
def un_passage(loss_et_gradients, noms, lr=0.01):
    """Un passage sur les noms : pour chaque position, loss et gradients, puis un pas."""
    params = init_params(seed=42)  # toujours le même départ
    pertes = []
    for nom in noms:
        for contexte, cible in examples(nom, len(params["pos_emb"])):
            perte, grads = loss_et_gradients(params, contexte, cible)  # forward + backward
            pas_sgd(params, grads, lr)
            pertes.append(perte)
    return pertes


# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# On va entraîner deux fois, des mêmes poids et sur les mêmes noms : avec
# `manual_loss_and_grads`, puis avec `autograd_loss_and_grads`. **Avant** de voir les loss,
# devine : quel sera le plus grand écart entre les loss des deux entraînements, pas par pas
# (`guess_loop_gap`) ? (Dans un terminal, la leçon te demande ta réponse.)

# %% tags=["values"]
guess_loop_gap = 1.0  # <-- ta réponse : le plus grand écart entre les deux entraînements

# %%
guess_loop_gap = guess("guess_loop_gap", guess_loop_gap)

# %%
noms_boucle = quelques_noms(6 if rapide else 12)
a_la_main = un_passage(manual_loss_and_grads, noms_boucle)
par_autograd = un_passage(autograd_loss_and_grads, noms_boucle)
ecart_boucle = max(abs(a - b) for a, b in zip(a_la_main, par_autograd))
print(f"{len(noms_boucle)} noms, {len(a_la_main)} pas")
print(f"{'pas':>5} {'à la main':>10} {'autograd':>10} {'différence':>11}")
for i in (0, 1, 2, len(a_la_main) - 2, len(a_la_main) - 1):
    difference = abs(a_la_main[i] - par_autograd[i])
    print(
        f"{i + 1:>5} {number(a_la_main[i], '.4f'):>10} {number(par_autograd[i], '.4f'):>10}"
        f" {number(difference, '.1e'):>11}"
    )
print("plus grand écart :", number(ecart_boucle, ".1e"))

# %%
bravo = (
    f"Oui : 0, aux arrondis près (mesuré : {number(ecart_boucle, '.1e')} sur "
    f"{len(a_la_main)} pas). Les mêmes gradients font les mêmes pas : les deux "
    "entraînements ne se séparent jamais."
)
indice = (
    f"Ce n'est pas {number(guess_loop_gap)}. Les deux façons trouvent-elles des gradients "
    "différents ? Et donc des pas différents ?"
)
check(1, abs(guess_loop_gap) < 1e-6, bravo, indice)

# %% [markdown]
# Mêmes gradients, donc mêmes pas, donc même modèle : la boucle d'entraînement se moque de
# qui calcule les gradients.

# %% [markdown]
# ## Étape 2 : qui va le plus vite ?
#
# La même epoch sur les mêmes noms, de trois façons :
#
# - `manual` : le backward écrit à la main, sans notes ;
# - `autograd (fused)` : un nœud `dot` par produit scalaire ;
# - `autograd (pure)` : rien que les cinq opérations de base.
#
# `train()` fait la boucle de l'étape 1 et compte les positions apprises par seconde.

# %%
from model import train

noms_vitesse = quelques_noms(10 if rapide else 100)
facons = {
    "manual": {"backend": "manual"},
    "autograd (fused)": {"backend": "autograd", "fused": True},
    "autograd (pure)": {"backend": "autograd", "fused": False},
}
resultats_vitesse = {}
for facon, reglages in facons.items():
    resultats_vitesse[facon] = train(
        noms_vitesse,
        optimizer="sgd",
        lr_schedule="constant",
        epochs=1,
        progress=False,
        log=None,
        **reglages,
    )
vitesses = {facon: r.positions_per_second for facon, r in resultats_vitesse.items()}
pertes_vitesse = [r.history[0] for r in resultats_vitesse.values()]
ecart_vitesse = max(pertes_vitesse) - min(pertes_vitesse)

# %%
from lessons.pictures import bar_chart

print(f"Positions d'entraînement par seconde, sur {len(noms_vitesse)} noms (plus, c'est mieux) :")
print(bar_chart(list(vitesses.items()), fmt=lambda v: f"{number(v, ',.0f')} par seconde"))
plus_lent = min(vitesses.values())
print("loss après l'epoch :", number(pertes_vitesse[0], ".4f"))
print("plus grand écart entre les trois :", number(ecart_vitesse, ".1e"))
for facon, vitesse in vitesses.items():
    print(f"{facon} : {number(vitesse / plus_lent, '.1f')} fois la vitesse du plus lent")

# %% [markdown]
# Les trois finissent l'epoch avec la même loss : les mêmes gradients. Mais le backward écrit
# à la main va le plus vite, et l'autograd pur le plus lentement. L'autograd paie son
# confort : chaque opération écrit une note que `backward()` relit. Le `dot` fusionné en
# écrit bien moins, comme PyTorch avec un seul nœud par produit de matrices.

# %% [markdown]
# ## Étape 3 : SGD contre Adam
#
# Entraînons pour de vrai avec l'autograd (fused), deux fois à partir du même départ :
#
# - **SGD**, la règle de la leçon 6 : chaque poids fait le même petit pas, `lr` fois son
#   gradient ;
# - **Adam**, qui donne à chaque poids **sa propre taille de pas** (taux 0,003).
#
# ### À toi de jouer ! (exercice 2)
#
# Exécute d'abord la leçon telle quelle. Puis change `sgd_lr`, le taux d'apprentissage de
# SGD, dans la cellule ci-dessous : essaie 0.05, puis beaucoup trop, 1.0. SGD peut-il
# rattraper Adam ? (`epochs` : le nombre de passages sur les noms ; en version courte,
# 2 au plus.)

# %% tags=["values"]
sgd_lr = 0.01  # <-- le taux d'apprentissage de SGD : essaie 0.05, puis 1.0
epochs = 3  # <-- passages sur les noms, pour SGD et pour Adam

# %%
sgd_lr = checked("sgd_lr", sgd_lr)
epochs = checked("epochs", epochs)
passages = min(epochs, 2) if rapide else epochs
noms_adam = quelques_noms(30) if rapide else tous_les_noms
duels = {
    f"SGD (lr {sgd_lr:g})": {"optimizer": "sgd", "lr": sgd_lr},
    "Adam (lr 0.003)": {"optimizer": "adam", "lr": 0.003},
}
resultats = {}
for duel, reglages in duels.items():
    print(f"{duel} : {len(noms_adam)} noms, {passages} epoch(s)...")
    resultats[duel] = train(
        noms_adam, lr_schedule="constant", epochs=passages, progress=False, log=None, **reglages
    )

# %% [markdown]
# Un entraînement **diverge** quand sa loss explose. Une seule position peut coûter 18 dans
# un entraînement sain (une erreur sûre d'elle : p = 1e-8) : on regarde donc la moyenne
# d'un vingtième de l'entraînement à la fois, bien au-dessus de log(27) ≈ 3,3, le départ.

# %%
import math

EXPLOSION = 10.0  # une loss moyenne au-dessus de ça a explosé


def a_diverge(pertes):
    """Vrai si la loss a explosé : pas un nombre, ou une moyenne bien au-dessus du départ."""
    if not all(math.isfinite(x) for x in pertes):
        return True
    tranche = max(1, len(pertes) // 20)
    moyennes = [
        sum(pertes[i : i + tranche]) / len(pertes[i : i + tranche])
        for i in range(0, len(pertes), tranche)
    ]
    return any(m > EXPLOSION for m in moyennes)


# %% [markdown]
# La loss pendant l'entraînement, lissée (un entraînement qui a explosé est laissé hors du
# graphique : il écraserait l'autre courbe).

# %%
from lessons.pictures import line_chart, smooth

divergents = [duel for duel, r in resultats.items() if a_diverge(r.losses)]
for duel in divergents:
    pire = max(resultats[duel].losses, default=math.inf)
    print(f"({duel} est laissé hors du graphique : sa loss a atteint {number(pire, '.3g')}.)")
courbes = {
    duel: smooth(r.losses, points=30)[1] for duel, r in resultats.items() if duel not in divergents
}
print(line_chart(courbes, height=8, fmt=lambda x: number(x, ".2f")))

# %% [markdown]
# Les mêmes courbes, en plus fin, dans une image (avec matplotlib) :

# %%
from lessons.kit import out_file

image = out_file("sgd_contre_adam.png")  # dans le dossier de la leçon, lesson_output/
try:
    from matplotlib.figure import Figure
except ImportError:
    Figure = None
    print("Pas d'image ici : matplotlib n'est pas installé.")
    print("(Sur ton ordinateur : pip install matplotlib, puis relance la cellule.)")
if Figure is not None:
    figure = Figure(figsize=(7, 3.5), layout="tight")
    axes = figure.add_subplot()
    for duel, r in resultats.items():
        if duel not in divergents:
            axes.plot(*smooth(r.losses, points=80), label=duel)
    axes.set(title="SGD contre Adam", xlabel="position", ylabel="loss")
    axes.legend()
    figure.savefig(image, dpi=110)
    print("Image enregistrée :", image)

# %%
debut, fin, finale = {}, {}, {}
for duel, r in resultats.items():
    dixieme = max(1, len(r.losses) // 10)
    debut[duel] = sum(r.losses[:dixieme]) / dixieme
    fin[duel] = sum(r.losses[-dixieme:]) / dixieme
    finale[duel] = r.history[-1] if r.history else fin[duel]  # la dernière epoch finie
    if r.stopped != "done":
        print(f"({duel} : l'entraînement s'est arrêté avant la fin, la loss a explosé.)")
print(f"{'entraînement':<16} {'début':>7} {'fin':>7} {'dernière epoch':>15}")
for duel in resultats:
    chiffres = [number(x, ".3f") for x in (debut[duel], fin[duel], finale[duel])]
    print(f"{duel:<16} {chiffres[0]:>7} {chiffres[1]:>7} {chiffres[2]:>15}")
est_descendue = {duel: fin[duel] < debut[duel] for duel in resultats}
if all(est_descendue.values()):
    print("Les deux descendent : le modèle apprend.")

# %% [markdown]
# Adam se souvient des gradients récents : là où ils pointent toujours dans la même
# direction, il ose des pas plus grands ; là où ils sautent, il avance prudemment. SGD
# fait partout le même pas. Qui gagne ? On ne déclare un gagnant que si l'écart est net :

# %%
ECART_NET = 0.02  # en dessous, un autre départ au hasard pourrait inverser le résultat
nom_sgd, nom_adam = duels
loss_sgd, loss_adam = finale[nom_sgd], finale[nom_adam]
if nom_sgd in divergents or not math.isfinite(loss_sgd):
    verdict = "sgd_diverged"
    print(f"SGD avec le taux {number(sgd_lr)} a divergé : ses pas étaient si grands que la loss")
    print("a explosé. Ce taux est trop grand pour SGD : essaie plus petit.")
elif loss_adam < loss_sgd - ECART_NET:
    verdict = "adam_ahead"
    print(f"Adam finit plus bas : {number(loss_adam, '.3f')} contre {number(loss_sgd, '.3f')}.")
elif loss_sgd < loss_adam - ECART_NET:
    verdict = "sgd_ahead"
    print(f"SGD finit plus bas : {number(loss_sgd, '.3f')} contre {number(loss_adam, '.3f')}.")
else:
    verdict = "even"
    print(f"Égalité : {number(loss_sgd, '.3f')} pour SGD, {number(loss_adam, '.3f')} pour Adam,")
    print(f"moins de {number(ECART_NET)} d'écart : un autre départ pourrait inverser le résultat.")

# %%
bravo = (
    f"Avec lr = {number(sgd_lr)}, SGD finit à {number(loss_sgd, '.4g')}, contre "
    f"{number(loss_adam, '.4g')} pour Adam. Un taux d'apprentissage, c'est un compromis : "
    "trop petit, on avance à pas de fourmi ; trop grand, on saute par-dessus la vallée."
)
indice = (
    f"SGD finit à {number(loss_sgd, '.4g')}, Adam à {number(loss_adam, '.4g')}. Change "
    "sgd_lr dans la cellule des valeurs (essaie 0.05) et compare les courbes."
)
check(2, sgd_lr != 0.01, bravo, indice)

# %% [markdown]
# ## Étape 4 : inventer des noms
#
# Avec le meilleur des deux modèles, inventons des noms : on tire une lettre au hasard
# selon les chances que donne le modèle, encore et encore, jusqu'au point de fin « . ».
#
# La **température** change les chances avant le tirage : en dessous de 1, les lettres
# probables le deviennent encore plus ; au-dessus de 1, les chances s'aplatissent.
#
# ### À toi de jouer ! (exercices 3 et 4)
#
# - Exercice 3 : change `temperature` : 0.3 (très sage), puis 1.5 (fou).
# - Exercice 4 : commence les noms toi-même : change `prefix` (essaie ".pik", ".bul" ou
#   ".dra").

# %% tags=["values"]
temperature = 0.8  # <-- moins de 1 : des noms plus sages ; plus de 1 : plus fous
prefix = "."  # <-- le début des noms inventés : essaie ".pik" ou ".dra"

# %%
from model import VOCAB, generate

temperature = checked("temperature", temperature)
prefix = checked("prefix", prefix).lower()
debut_nom = prefix if prefix.startswith(".") else "." + prefix  # un nom commence après « . »
if any(lettre not in VOCAB for lettre in debut_nom):
    raise ValueError(f"prefix = {prefix!r} : rien que des lettres de a à z, après un « . »")
sains = [duel for duel in resultats if duel not in divergents]  # Adam n'explose pas ici
meilleur = min(sains, key=finale.get)
params = resultats[meilleur].params
inventes = [generate(params, debut_nom, temperature, seed=i) for i in range(8 if rapide else 12)]
print(f"Avec {meilleur}, température {number(temperature)}, début « {debut_nom} » :")
for i in range(0, len(inventes), 4):
    ligne = [
        nom.capitalize() + (" ✓" if nom in tous_les_noms else "") for nom in inventes[i : i + 4]
    ]
    print("  " + "".join(f"{mot:<16}" for mot in ligne))
print("  ✓ : un nom qui existe déjà dans les données")

# %% [markdown]
# D'où viennent ces noms ? Des chances de la prochaine lettre. Les voici après ton début,
# à trois températures (et à la tienne) :

# %%
from model.data import encode
from model.sample import next_char_probs

contexte = encode(debut_nom)[-len(params["pos_emb"]) :]
favorite = {}  # température -> (la lettre la plus probable, sa chance)
for t in sorted({0.5, 1.0, 2.0, temperature}):
    chances = next_char_probs(params, contexte, t)
    top = sorted(zip(VOCAB, chances), key=lambda lettre_chance: -lettre_chance[1])[:5]
    favorite[t] = top[0]
    print(f"température {number(t)} :")
    print(bar_chart(top, width=24, fmt=lambda p: number(p, ".1%")))
part_favorite = {t: p for t, (_, p) in favorite.items()}

# %%
lettre = favorite[0.5][0]
basse, moyenne, haute = part_favorite[0.5], part_favorite[1.0], part_favorite[2.0]
print(f"La favorite, « {lettre} », a {number(basse, '.1%')} de chances à la température 0,5,")
print(f"{number(moyenne, '.1%')} à 1 et {number(haute, '.1%')} à 2 :")
print(f"{number(basse / haute, '.1f')} fois plus à 0,5 qu'à 2.")

# %% [markdown]
# Plus la température est basse, plus la favorite prend de place : des noms sages et
# semblables. Plus elle est haute, plus les chances s'aplatissent : des noms fous.

# %%
bravo = (
    f"Avec la température {number(temperature)}, regarde comme les noms changent, et "
    "compare avec les barres : c'est de là que ça vient."
)
indice = "La température vaut toujours 0,8. Essaie 0.3, puis 1.5."
check(3, temperature != 0.8, bravo, indice)

# %%
commencent = all(n.startswith(debut_nom[1:]) for n in inventes)
bravo = f"Tous les noms commencent par « {debut_nom[1:]} » : le modèle continue ton début."
indice = 'Les noms partent de zéro (prefix vaut "."). Essaie prefix = ".pik".'
check(4, prefix != "." and commencent, bravo, indice)

# %% [markdown]
# ## En vrai...
#
# **PyTorch** a la même boucle : `loss.backward()` remplit les `.grad`, puis un optimiseur
# fait le pas. `torch.optim.SGD` fait le pas de `pas_sgd`, `torch.optim.Adam` celui d'Adam ;
# entre deux pas, `optimizer.zero_grad()` remet les gradients à zéro. Pour inventer des
# noms, `torch.multinomial(torch.softmax(logits / temperature, dim=-1), 1)` tire la lettre.
#
# **JAX** sépare les rôles : `jax.grad` rend la fonction des gradients, et la bibliothèque
# Optax (`optax.sgd`, `optax.adam`) transforme les gradients en pas.
#
# Si PyTorch est installé, voici la différence entre les deux en un pas : deux poids, l'un
# au gradient 100 fois plus grand que l'autre.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch n'est pas installé : cette cellule ne fait rien.")
if torch is not None:
    pas_torch = {}
    for nom_optim, Optimiseur in (("SGD", torch.optim.SGD), ("Adam", torch.optim.Adam)):
        w = torch.zeros(2, requires_grad=True)
        optimiseur = Optimiseur([w], lr=0.01)
        (w * torch.tensor([1.0, 100.0])).sum().backward()  # gradients : 1 et 100
        optimiseur.step()
        pas_torch[nom_optim] = [-x for x in w.tolist()]
        pas_1, pas_100 = (number(x, ".3g") for x in pas_torch[nom_optim])
        print(f"{nom_optim:4} : un pas de {pas_1} pour le gradient 1, de {pas_100} pour 100")

# %% [markdown]
# SGD fait un pas 100 fois plus grand pour le gradient 100 fois plus grand ; le premier pas
# d'Adam est le même pour les deux poids : chaque poids a sa propre échelle.

# %% [markdown]
# ## Ce qu'on a appris
#
# - La boucle d'entraînement se moque de qui calcule les gradients : mêmes gradients, mêmes
#   pas, même modèle.
# - L'autograd est plus lent que le backward écrit à la main (il écrit et relit des notes) ;
#   le `dot` fusionné réduit l'écart.
# - SGD et Adam utilisent les mêmes gradients de deux façons ; le taux d'apprentissage se
#   choisit.
# - La température et le début guident les noms inventés.
#
# Tu as écrit l'autograd qu'utilisent des frameworks comme PyTorch, et entraîné avec. Bravo !
