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
# # Leçon 11 : Au-delà des scalaires, le même modèle en PyTorch
#
# Depuis la leçon 7, chaque nombre du modèle est une Value, qui note comment elle a été
# fabriquée. **PyTorch** fait pareil, mais ses nombres viennent en **tenseurs** : des
# vecteurs et des matrices entiers d'un coup.
#
# Au programme :
# 1. le même modèle avec des tenseurs : les mêmes gradients ;
# 2. des lots : beaucoup de fenêtres d'un coup, bien moins de temps par position ;
# 3. une loss plus basse dans le même temps ;
# 4. un seul checkpoint, que tous les backends savent lire.
#
# PyTorch est un extra optionnel de ce projet : `pip install -e '.[torch]'`
# (cela installe torch==2.13.0). Les leçons 6 à 10 s'en passent.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, start

start(11, "fr")  # la leçon 11, en français ; tes exercices faits sont gardés dans lesson_output/

# %%
try:
    import torch
except ModuleNotFoundError:
    import sys

    print(
        "Cette leçon a besoin de PyTorch, qui n'est pas installé ici (et ne tourne pas dans un\n"
        "navigateur). Sur ton ordinateur, installe-le avec\n"
        "    pip install -e '.[torch]'\n"
        "(cela installe torch==2.13.0), puis relance la leçon.",
        file=sys.stderr,
    )
    raise SystemExit(2) from None  # la leçon s'arrête ici, sans traceback

# %% [markdown]
# ## Étape 1 : le même modèle, avec des tenseurs
#
# Un tenseur créé avec `requires_grad=True` est une feuille, chaque opération écrit une
# note, et `loss.backward()` relit les notes à l'envers : exactement notre Value. Le plus
# petit exemple, `y = (w * x + b) ** 2`, trois fois : à la main, avec une Value, avec
# des tenseurs.

# %%
from autograd import Value

w, x, b = Value(0.5), Value(2.0), Value(-0.3)
y = (w * x + b) ** 2
y.backward()

tw = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
tx = torch.tensor(2.0, dtype=torch.float64)  # une entrée : pas de gradient voulu
tb = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
ty = (tw * tx + tb) ** 2
ty.backward()

a_la_main = 2 * (w.data * x.data + b.data)  # dy/d(wx + b), le premier maillon
lignes = [
    ("dy/dw", a_la_main * x.data, w.grad, tw.grad.item()),
    ("dy/db", a_la_main, b.grad, tb.grad.item()),
]
for nom, main, par_value, par_torch in lignes:
    print(
        f"{nom} : à la main {number(main)}   Value {number(par_value)}   torch {number(par_torch)}"
    )
pareil = w.grad == tw.grad.item() and b.grad == tb.grad.item()
print("Value et torch donnent les mêmes gradients :", "oui" if pareil else "non")

# %% [markdown]
# `model/torch_backend.py` écrit tout le forward de la leçon 6 avec des tenseurs (en
# float64, comme les floats de Python) : chaque boucle sur des nombres devient une seule
# ligne sur un tenseur. Par exemple :
#
# | étape | `manual.py` (des floats) | `torch_backend.py` (des tenseurs) |
# |---|---|---|
# | 1 | `[t + p for t, p in zip(tok_emb[tok], pos_emb[i])]` | `tok_emb[ids] + pos_emb[:T]` |
# | 4 | `[max(0.0, s) for s in h_pre]` | `torch.relu(x1 @ W1.T + b1)` |
# | 6 | `mat_vec(W_out, x2)` | `x2 @ W_out.T` |
# | 7 | `backward(params, cache, target)` | `loss.backward()` |
#
# Comparons les gradients du modèle entier, poids par poids, sur les premières positions
# des noms : les 7 étapes écrites à la main face à `Value.backward()` et à PyTorch.

# %%
from model import init_params
from model.compare import compare_backends
from model.params import Config

config = Config()
positions = 30 if quick_mode() else 100
rapport = compare_backends(init_params(config), positions, backends=("manual", "autograd", "torch"))
ecart_autograd = max(rapport["by_backend"]["autograd"].values())
ecart_torch = max(rapport["by_backend"]["torch"].values())
print(f"Sur {positions} positions, le plus grand écart avec les gradients écrits à la main :")
print("  Value.backward() :", number(ecart_autograd, ".1e"))
print("  loss.backward()  :", number(ecart_torch, ".1e"))

# %% [markdown]
# PyTorch retrouve les gradients de la leçon 6 jusqu'aux derniers chiffres : l'écart est
# une erreur d'arrondi en float64. Les 7 étapes écrites à la main, `Value.backward()` et
# `loss.backward()` sont trois façons d'écrire un même calcul.

# %% [markdown]
# ## Étape 2 : des lots, beaucoup de fenêtres d'un coup
#
# Les tenseurs sont rentables quand ils contiennent beaucoup de nombres : donnons au modèle
# un **lot** de fenêtres, une par ligne. Les fenêtres ont de 1 à 8 lettres, mais un
# tenseur est un rectangle : on complète les plus courtes à la fin (ici avec ·). C'est le
# « padding ».

# %%
import random

from model import examples, load_names
from model.data import decode

noms = load_names()
fenetres = [fenetre for nom in noms for fenetre in examples(nom, config.context)]
random.Random(0).shuffle(fenetres)  # un ordre mélangé, toujours le même
trois = [next(f for f in fenetres if len(f[0]) == n) for n in (2, 5, 8)]  # 2, 5 et 8 lettres
for ids, cible in trois:
    ligne = " ".join(decode(ids)) + " ·" * (8 - len(ids))
    print(f"{decode(ids):>8}  ->  {ligne}   lettre suivante : {decode([cible])}")

# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# **Avant** la mesure : ces trois fenêtres, dans un même lot complété ou chacune seule,
# de combien leurs loss vont-elles différer ? Mets ta réponse dans `guess_padding`.

# %% tags=["values"]
guess_padding = 1.0  # <-- ta réponse : l'écart de loss, en lot ou chacune seule

# %%
guess_padding = guess("guess_padding", guess_padding)

# %%
from model.params import flatten
from model.torch_backend import torch_batch_step

pas, poids = torch_batch_step(config), flatten(init_params(config))
ensemble, _ = pas(poids, trois)  # un seul lot complété : une loss par fenêtre
seules = [pas(poids, [f])[0][0] for f in trois]  # chaque fenêtre dans son propre lot
ecart_padding = max(abs(a - b) for a, b in zip(ensemble, seules))
print("En lot ou chacune seule, leurs loss diffèrent de", number(ecart_padding, ".1e"))
bravo = (
    f"Oui : 0, aux arrondis près (mesuré : {number(ecart_padding, '.1e')}). "
    "Le padding ne change rien."
)
indice = (
    f"Ce n'est pas {number(guess_padding)}. Une position de padding reçoit un score "
    "d'attention de -infini : quel poids le softmax lui donne-t-il ?"
)
check(1, abs(guess_padding) < 1e-9, bravo, indice)

# %% [markdown]
# Le padding est **masqué** : une position de padding reçoit un score d'attention de
# -infini, donc un poids d'exactement 0.
#
# Maintenant, le temps par position (loss et gradients, sans mise à jour), pour plusieurs
# tailles de lot, et celui du backward écrit à la main sur des floats, une fenêtre à la fois.

# %%
import time

from model.backends import make_step


def microsecondes_par_position(taille_lot, fenetres):
    """Loss et gradients par lots de taille_lot : le temps moyen d'une fenêtre, en µs."""
    pas, poids = torch_batch_step(config), flatten(init_params(config))
    pas(poids, fenetres[:taille_lot])  # le premier appel prépare tout : pas chronométré
    debut = time.perf_counter()
    for i in range(0, len(fenetres), taille_lot):
        pas(poids, fenetres[i : i + taille_lot])
    return 1e6 * (time.perf_counter() - debut) / len(fenetres)


# %%
beaucoup, peu = (256, 32) if quick_mode() else (2048, 256)
us_par_lot = {}  # taille du lot -> microsecondes par position
for n in (1, 8, 64, 256):
    us_par_lot[n] = microsecondes_par_position(n, fenetres[: peu if n == 1 else beaucoup])

pas_main, poids = make_step("manual", config), flatten(init_params(config))
debut = time.perf_counter()
for ids, cible in fenetres[:peu]:  # une fenêtre à la fois, sur des floats
    pas_main(poids, ids, cible)
us_main = 1e6 * (time.perf_counter() - debut) / peu

plus_long = max(*us_par_lot.values(), us_main)
for n, us in us_par_lot.items():
    print(f"torch, lots de {n:<3}  {number(us, '8.1f')} µs  " + "█" * round(40 * us / plus_long))
print(f"à la main, 1 à 1   {number(us_main, '8.1f')} µs  " + "█" * round(40 * us_main / plus_long))

# %% [markdown]
# Une fenêtre à la fois, comment PyTorch se compare-t-il aux floats écrits à la main ?
# (À moins d'un facteur 1,5 près, sur une machine occupée, les chronos ne tranchent pas.)

# %%
if us_par_lot[1] * 1.5 < us_main:
    verdict = f"{number(us_main / us_par_lot[1], '.1f')} fois plus rapide"
elif us_main * 1.5 < us_par_lot[1]:
    verdict = f"{number(us_par_lot[1] / us_main, '.1f')} fois plus lent"
else:
    verdict = "à peu près aussi rapide"
print(f"Une fenêtre à la fois, PyTorch est {verdict} que les floats, malgré tout son C++.")
gain = us_par_lot[1] / us_par_lot[64]
print(f"Par lots de 64 : {number(gain, '.0f')} fois moins de temps par position qu'une à une.")

# %% [markdown]
# Chaque opération sur un tenseur a un **coût fixe** (vérifications, note, appel en C++),
# qui fait presque tout le temps avec des tenseurs minuscules. Par lots de 64, les mêmes
# opérations traitent 64 fenêtres pour à peu près le même prix. D'où les lots (et les GPU).

# %% [markdown]
# ## Étape 3 : une loss plus basse dans le même temps
#
# Entraînons pour de vrai avec PyTorch : tous les noms, des lots de `batch_size` fenêtres
# (le gradient moyen du lot), Adam avec le taux `lr` qui ralentit jusqu'à 0
# (`lr_schedule="linear"`), pendant `epochs` passages. Puis le backward écrit à la main,
# une fenêtre à la fois, avec Adam, à peu près aussi longtemps.
#
# ### À toi de jouer ! (exercices 2, 3 et 4)
#
# - Exercice 2 : change `batch_size` (essaie 8, puis 256) : combien de temps, quelle loss ?
# - Exercice 3 : change `lr`, le taux d'apprentissage d'Adam (essaie 0,003, puis 0,03).
# - Exercice 4 : change `epochs` (essaie 100) : jusqu'où descend la loss ? En mode rapide,
#   la leçon s'arrête à 2 epochs.

# %% tags=["values"]
batch_size = 64  # <-- fenêtres par pas : essaie 8, puis 256
lr = 0.01  # <-- le taux d'apprentissage d'Adam : essaie 0.003, puis 0.03
epochs = 40  # <-- passages sur les noms : essaie 100

# %%
from model import train
from model.torch_backend import mean_loss

batch_size, lr = checked("batch_size", batch_size), checked("lr", lr)
epochs = checked("epochs", epochs)
epochs = min(epochs, 2) if quick_mode() else epochs  # le mode rapide : 2 epochs au plus
checkpoint = out_file("torch.ckpt.json")


def montrer(epoch, perte):
    print(f"  epoch {epoch} : loss moyenne {number(perte, '.3f')}")


rapide = train(
    noms,
    backend="torch",
    batch_size=batch_size,
    optimizer="adam",
    lr=lr,
    lr_schedule="linear",
    epochs=epochs,
    checkpoint=checkpoint,
    progress=False,
    log=None,
    on_epoch=montrer,
)
perte_torch = mean_loss(rapide.params, fenetres)  # sur toutes les positions
print(f"PyTorch : {number(rapide.seconds, '.1f')} secondes, loss {number(perte_torch, '.3f')}")

# %% [markdown]
# Maintenant le backward écrit à la main (le plus rapide des backends scalaires), une
# fenêtre à la fois, avec Adam. D'abord une courte mesure de sa vitesse, pour savoir
# combien de positions il a le temps de voir pendant que PyTorch s'entraînait.

# %%
import itertools

from model.data import count_positions

essai = train(
    noms[:30],
    backend="manual",
    optimizer="adam",
    lr_schedule="constant",
    epochs=1,
    progress=False,
    log=None,
)
budget = round(rapide.seconds * essai.positions_per_second)  # positions qu'il a le temps de voir
en_boucle = itertools.cycle(random.Random(1).sample(noms, len(noms)))  # les noms, en rond
choisis, vues = [], 0
while vues < budget or not choisis:  # au moins un nom
    choisis.append(next(en_boucle))
    vues += count_positions(choisis[-1:])  # une par lettre, et une pour le "." final
lent = train(
    choisis,
    backend="manual",
    optimizer="adam",
    lr_schedule="linear",
    epochs=1,
    progress=False,
    log=None,
)
perte_main = mean_loss(lent.params, fenetres)

# %%
print(f"{'entraînement':<26}{'secondes':>9}{'positions vues':>16}{'loss à la fin':>15}")
for nom, course, perte in [
    (f"PyTorch, lots de {batch_size}", rapide, perte_torch),
    ("à la main, 1 à 1", lent, perte_main),
]:
    print(
        f"{nom:<26}{number(course.seconds, '9.1f')}{course.positions:>16}{number(perte, '15.4f')}"
    )
if perte_torch < perte_main:
    print(
        "Même modèle, mêmes gradients, même optimiseur : plus de positions par seconde, "
        "plus d'apprentissage."
    )
else:
    print(
        "Cette fois, PyTorch n'est pas devant : avec ces valeurs (des lots tout petits, "
        "très peu d'epochs ?), il ne profite pas de sa vitesse."
    )

# %%
bravo = (
    f"Par lots de {batch_size} : {number(rapide.seconds, '.1f')} secondes, loss "
    f"{number(perte_torch, '.3f')}. Les petits lots font beaucoup de petits pas bruités "
    "(lents en temps) ; les gros en font peu, mais réguliers. Le bon compromis est entre les deux."
)
indice = "batch_size vaut toujours 64 : essaie 8, puis 256, et compare le temps et la loss."
check(2, batch_size != 64, bravo, indice)

bravo = (
    f"Avec le taux {number(lr, 'g')}, la loss finit à {number(perte_torch, '.3f')}. Les gros "
    "lots donnent des gradients plus réguliers, qui supportent de plus grands pas ; trop "
    "grands, et ça saute dans tous les sens."
)
indice = "lr vaut toujours 0,01 : essaie 0.003, puis 0.03."
check(3, lr != 0.01, bravo, indice)

bravo = (
    f"{epochs} epochs en {number(rapide.seconds, '.1f')} secondes, loss "
    f"{number(perte_torch, '.3f')}. Les backends scalaires mettraient de longues minutes."
)
indice = "Essaie epochs = 100 (sans le mode rapide, qui s'arrête à 2 epochs)."
check(4, epochs > 40, bravo, indice)

# %% [markdown]
# ## Étape 4 : un seul checkpoint pour tous les backends
#
# PyTorch a enregistré son modèle dans un fichier JSON, le même que celui des autres
# backends : de simples nombres, que les floats de la leçon 6 savent lire. La loss moyenne
# des mêmes positions, calculée deux fois :

# %%
from model import load_checkpoint
from model.manual import cross_entropy, forward

sauve = load_checkpoint(checkpoint)
quelques = fenetres[: 50 if quick_mode() else 200]
par_floats = sum(cross_entropy(forward(sauve.params, ids)["logits"], c) for ids, c in quelques)
par_floats /= len(quelques)  # le forward de la leçon 6, en floats
par_torch = mean_loss(sauve.params, quelques)  # PyTorch, en un seul lot
ecart_checkpoint = abs(par_floats - par_torch)
print(f"{checkpoint.name} : {sauve.backend}, {sauve.epoch} epochs, {len(quelques)} positions")
print("  le forward de la leçon 6, en floats :", number(par_floats, ".12f"))
print("  PyTorch, en un seul lot :            ", number(par_torch, ".12f"))
print("  différence :", number(ecart_checkpoint, ".1e"))

# %% [markdown]
# Et des noms inventés par le modèle entraîné avec PyTorch, tirés sur de simples floats
# (« nouveau » : un nom qui n'est pas dans la liste) :

# %%
from model import generate

connus = set(noms)
inventes = [generate(sauve.params, seed=i) for i in range(5 if quick_mode() else 10)]
for nom in inventes:
    print(f"  {nom:<12}" + ("" if nom in connus else "nouveau"))

# %% [markdown]
# Le même fichier marche en ligne de commande, pour inventer des noms ou comparer les
# backends (le fichier est dans `lesson_output/`) :
#
# ```bash
# minillm generate --checkpoint lesson_output/lesson11_torch.ckpt.json
# minillm compare --checkpoint lesson_output/lesson11_torch.ckpt.json --backend torch
# ```

# %% [markdown]
# ## En vrai...
#
# **PyTorch** entraîne exactement comme ici, en plus grand : un `DataLoader` découpe les
# données en lots, le padding est masqué dans l'attention
# (`torch.nn.functional.scaled_dot_product_attention` prend un masque), et les tenseurs
# vont sur un **GPU** (`.to("cuda")`), où un lot de milliers de fenêtres coûte à peine
# plus qu'une seule. `torch.compile` fusionne en plus plusieurs opérations pour payer
# moins de coûts fixes.
#
# **JAX** écrit le modèle pour **une** fenêtre, et `jax.vmap` en fait la version par lots ;
# `jax.jit` compile le tout. Les checkpoints des vrais modèles sont, eux aussi, de simples
# tableaux de nombres (`safetensors`), que d'autres frameworks savent lire.

# %% [markdown]
# ## Ce qu'on a appris
#
# - PyTorch est un autograd comme le nôtre, sur des tenseurs : les mêmes gradients que
#   `Value.backward()`.
# - Une fenêtre à la fois, les tenseurs n'aident presque pas ; les lots (padding masqué)
#   partagent le coût fixe de chaque opération : une loss plus basse dans le même temps.
# - Le checkpoint contient de simples nombres : entraîne avec un backend, génère avec un
#   autre.
#
# Au-delà, c'est l'algorithme des grands modèles, en plus grand (couches, données, GPU).
# Bravo !
