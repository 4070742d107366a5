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
# # Leçon 13 : Faire grandir le modèle
#
# La leçon 6 finit sur un tableau, « Ce qu'on n'a pas implémenté » : ce que les vrais
# LLM ajoutent au nôtre. Aujourd'hui, on l'implémente, ligne par ligne. Chaque ajout
# change le **forward** ; le **backward**, on ne l'écrit pas : autograd le trouve seul.
#
# Au programme :
# 1. le tableau de la leçon 6, et ce que le projet en fait ;
# 2. une deuxième tête, une deuxième couche, une norme, du dropout : un `Config` chacun ;
# 3. le backward à la main refuse le modèle grandi ; autograd et PyTorch sont d'accord ;
# 4. on entraîne chaque modèle un moment, et on compare ;
# 5. ce qu'aurait coûté le backward écrit à la main.

# %%
from lessons.kit import check, guess, number, out_file, quick_mode, start

start(13, "fr")  # la leçon 13, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : le tableau de la leçon 6
#
# | Ce qu'on n'a pas implémenté | Dans le projet |
# |---|---|
# | le batching | `batch_size=32` à l'entraînement, plus bas |
# | LayerNorm | `Config(norm="layer")`, ou `norm="rms"` (RMSNorm) |
# | le dropout | `Config(dropout=0.1)` |
# | plusieurs têtes | `Config(heads=2)` |
# | plusieurs couches | `Config(layers=2)` |
# | Adam | l'optimiseur par défaut de `train()` |
# | le GPU | l'affaire de PyTorch (voir « En vrai... ») |
#
# `Config()`, sans rien, c'est exactement le modèle de la leçon 6. On le fait grandir
# d'un cran à la fois : chaque modèle garde l'ajout du précédent. Regarde la colonne
# des poids : une tête de plus n'en ajoute **aucun** (les têtes se partagent `Wq`, `Wk`
# et `Wv`), une couche de plus en ajoute beaucoup.

# %%
from model import Config, count_params

modeles = {
    "leçon 6": Config(),
    "+ une tête": Config(heads=2),
    "+ une couche": Config(heads=2, layers=2),
    "+ une norme": Config(heads=2, layers=2, norm="rms"),
    "+ dropout": Config(heads=2, layers=2, norm="rms", dropout=0.1),
}
print(f"{'modèle':13} têtes couches norme dropout  poids")
for nom, config in modeles.items():
    c = config
    print(f"{nom:13} {c.heads:5} {c.layers:7} {c.norm:>5} {number(c.dropout):>7} "
          f"{count_params(c):6}")  # fmt: skip

# %% [markdown]
# ## Étape 2 : une deuxième tête
#
# Une tête d'attention regarde toute la largeur du vecteur. Avec deux têtes, chacune
# en regarde **une moitié** : ses propres scores, son propre softmax, et les deux
# sorties sont mises côte à côte. Voici les lignes du forward (`model/autodiff.py`) qui
# le font : la boucle `for head in range(heads)`.

# %%
import inspect

from model import autodiff

print(inspect.getsource(autodiff.attention))

# %% [markdown]
# Les têtes se partagent la largeur à parts égales : leur nombre doit diviser la
# largeur des vecteurs (`embed_dim`). Sinon, `Config` refuse, et dit pourquoi.
#
# ### À toi de jouer ! (exercice 1)
#
# Choisis un nombre de têtes `heads`, plus d'une, que `Config` accepte. Change `heads`
# dans la cellule ci-dessous, puis exécute-la, et la suivante.

# %% tags=["values"]
heads = 3  # <-- un nombre de têtes, plus d'une

# %%
heads = guess("heads", heads)
try:
    Config(heads=heads)
    refus_tetes = ""
except ValueError as erreur:
    refus_tetes = str(erreur)
print(refus_tetes or f"Config(heads={heads}) : accepté.")
bravo = f"Oui : {heads} têtes de {Config().embed_dim // heads} nombres chacune."
indice = "Lis la phrase de Config ci-dessus : elle donne les nombres qui marchent."
check(1, heads > 1 and not refus_tetes, bravo, indice)

# %% [markdown]
# ## Étape 3 : une couche, une norme, du dropout
#
# **Une deuxième couche**, c'est le même bloc (attention puis MLP) appliqué une
# deuxième fois, à la sortie du premier : une boucle `for layer in ...`. **Une norme**
# ramène chaque vecteur à une taille d'environ 1 avant l'attention et avant le MLP : le
# modèle profond apprend plus calmement. La voici :

# %%
print(inspect.getsource(autodiff.normalize))

# %% [markdown]
# **Le dropout**, enfin, éteint au hasard une partie des sorties de l'attention et du
# MLP pendant l'entraînement (et grossit les autres d'autant) : le modèle ne peut pas
# compter sur un seul neurone. Ce sont les lignes `masks` de `block()`.
#
# Et le backward de tout ça ? On n'en a écrit **aucune ligne**.

# %% [markdown]
# ## Étape 4 : le backward à la main refuse, autograd suit
#
# Le backward de la leçon 6, en 7 étapes, est écrit pour une tête, une couche, sans
# norme ni dropout. Demandons-lui les gradients du modèle grandi :

# %%
from model import encode, init_params, manual_loss_and_grads

grand = modeles["+ dropout"]
poids_grand = init_params(grand)
ids = encode(".pika")
try:
    manual_loss_and_grads(poids_grand, ids[:-1], ids[-1], config=grand)
except ValueError as erreur:
    refus = str(erreur)
    print(refus)

# %% [markdown]
# Ce refus, c'est la leçon : chaque tête, couche, norme ou dropout demanderait ses
# propres étapes de backward, dérivées et écrites à la main. Autograd, lui, les trouve
# depuis le forward. Vérifions qu'il trouve **les bons** gradients : PyTorch (s'il est
# installé, sinon le backend compilé) calcule les mêmes, poids par poids.

# %%
try:
    import torch  # noqa: F401  (seulement pour savoir s'il est là)

    reference = "torch"
except ImportError:
    reference = "compiled"
    print("PyTorch n'est pas installé : on compare avec le backend compilé.")
print("référence :", reference)

# %%
from model.compare import compare_backends

ecarts = {}
for nom, config in modeles.items():
    poids = init_params(config)
    compare = compare_backends(poids, 20, backends=(reference, "autograd"), config=config)
    ecarts[nom] = max(compare["largest_difference"].values())
    print(f"{nom:13} plus grand écart d'un gradient : {number(ecarts[nom], '.1e')}")
print("tous sous 1e-12 :", max(ecarts.values()) < 1e-12)

# %% [markdown]
# (Le dropout est éteint pour cette comparaison : avec les mêmes masques, les backends
# sont d'accord aussi, c'est ce que vérifient les tests du projet.)

# %% [markdown]
# ## Étape 5 : entraîner chaque modèle un moment
#
# Chaque modèle s'entraîne avec Adam, par lots de 32 fenêtres (`batch_size=32`), avec
# PyTorch (ou le backend compilé). En version rapide, sur une partie des noms.

# %%
from model import load_names, train

backend = "torch" if reference == "torch" else "compiled"
noms = load_names()
if quick_mode():
    noms = noms[:150]  # la version rapide : une partie des noms
epoques = 1 if quick_mode() else 3
print(f"{len(noms)} noms, {epoques} époque(s), backend {backend}")

# %%
resultats = {}
for nom, config in modeles.items():
    fichier = out_file("grand.ckpt.json") if config == grand else None  # le grand est gardé
    resultat = train(noms, config=config, backend=backend, batch_size=32, epochs=epoques,
                     progress=False, log=None, checkpoint=fichier)  # fmt: skip
    resultats[nom] = resultat
    print(f"{nom:13} entraîné en {number(resultat.seconds, '.1f')} s")
print("le modèle grandi est gardé dans", resultats["+ dropout"].checkpoint)

# %% [markdown]
# Les losses côte à côte (la moyenne de la dernière époque), et les noms que chaque
# modèle invente :

# %%
from model import generate

pertes = {nom: r.history[-1] for nom, r in resultats.items()}
inventes = {}
for nom, config in modeles.items():
    poids = resultats[nom].params
    inventes[nom] = [generate(poids, config=config, seed=graine) for graine in range(4)]
print(f"{'modèle':13} {'loss':>6}   noms inventés")
for nom in modeles:
    print(f"{nom:13} {number(pertes[nom], '.3f'):>6}   {', '.join(inventes[nom])}")

# %% [markdown]
# Sur un entraînement si court, le modèle plus gros n'a pas forcément la plus petite
# loss : il a plus de poids à régler. Entraîne-les plus longtemps (`epoques`) pour voir
# la différence se faire.

# %% [markdown]
# ## Étape 6 : ce qu'aurait coûté le backward à la main
#
# Combien de lignes de code font les 7 étapes du backward à la main
# (`manual.backward_steps`) ? On va les compter, sans les commentaires ni la docstring.
#
# ### À toi de jouer ! (exercice 2)
#
# **Avant** le compte, devine ce nombre de lignes (`guess_lines`). Un quart près suffit.

# %% tags=["values"]
guess_lines = 20  # <-- ta réponse : les lignes de code des 7 étapes

# %%
guess_lines = guess("guess_lines", guess_lines)

# %%
import ast
import textwrap


def lignes_de_code(fonction):
    """Les lignes d'une fonction, sans lignes vides, commentaires ni docstring."""
    source = textwrap.dedent(inspect.getsource(fonction))
    definition = ast.parse(source).body[0]
    doc = definition.body[0] if ast.get_docstring(definition) else None
    sautees = range(doc.lineno, doc.end_lineno + 1) if doc else range(0)
    lignes = source.splitlines()
    gardees = [ligne.strip() for n, ligne in enumerate(lignes, 1) if n not in sautees]
    return [ligne for ligne in gardees if ligne and not ligne.startswith("#")]


# %%
from model import manual

lignes_backward = len(lignes_de_code(manual.backward_steps))
print("les 7 étapes du backward à la main :", lignes_backward, "lignes")
bravo = f"Bien vu : {lignes_backward} lignes, pour une tête et une couche seulement."
indice = f"{guess_lines}, c'est loin : relis la leçon 6, chaque étape a plusieurs lignes."
check(2, abs(guess_lines - lignes_backward) <= lignes_backward / 4, bravo, indice)

# %% [markdown]
# Et le forward, combien de lignes a-t-il gagnées pour grandir ? Toute la norme
# (`normalize`), et les lignes qui parlent de têtes, de couches, de norme ou de
# masques dans `forward_logits`, `block` et `attention` :

# %%
mots = ("head", "layer", "norm", "mask")
fonctions = (autodiff.forward_logits, autodiff.block, autodiff.attention)
gagnees = lignes_de_code(autodiff.normalize)
for fonction in fonctions:
    gagnees += [ligne for ligne in lignes_de_code(fonction) if any(m in ligne for m in mots)]
lignes_forward = len(gagnees)
print("le forward a gagné :", lignes_forward, "lignes")
print("le backward à la main en a", lignes_backward, "pour le seul modèle de la leçon 6")

# %% [markdown]
# Pour le modèle grandi, le backward à la main demanderait de nouvelles étapes pour
# chaque tête, chaque couche, chaque norme et le dropout, à dériver, écrire et
# vérifier. Avec autograd : **zéro** ligne de backward.

# %% [markdown]
# ## En vrai...
#
# **PyTorch** range tout ça dans des **modules** (`torch.nn`) : `nn.MultiheadAttention`
# fait plusieurs têtes d'un coup (avec une projection de sortie, que notre modèle n'a
# pas), `nn.LayerNorm` et `nn.RMSNorm` les normes, `nn.Dropout` le dropout, actif en
# `model.train()` et éteint en `model.eval()`. Un GPT, c'est une pile de blocs
# (`nn.ModuleList`), et `loss.backward()` trouve le backward de toute la pile, comme
# notre autograd.
#
# **Le GPU** : les mêmes calculs sur des tableaux entiers (`.to("cuda")`), des milliers
# de multiplications à la fois. Notre `Value` fait un nombre à la fois : l'algorithme est
# le même, seule l'échelle change.

# %% [markdown]
# ## Ce qu'on a appris
#
# - Plusieurs têtes, plusieurs couches, une norme, du dropout : chacun est un champ de
#   `Config` et quelques lignes de forward.
# - Le backward à la main ne connaît que la forme de la leçon 6, et refuse le reste :
#   chaque ajout lui demanderait de nouvelles étapes écrites à la main.
# - Autograd trouve le backward depuis le forward : ses gradients sont ceux de PyTorch.
# - Un modèle plus gros n'apprend pas forcément plus vite : il a plus de poids à régler.
