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
# # Leçon 6 : Entraîner avec le backward écrit à la main
#
# Dans la leçon 5, on a construit un mini-LLM complet, mais ses poids étaient aléatoires :
# il ne savait rien. Aujourd'hui, il apprend à **inventer des noms de Pokémon**.
#
# Au programme :
# 1. les noms, et la loss d'un modèle qui ne sait rien ;
# 2. la rétropropagation, écrite à la main en 7 étapes ;
# 3. l'entraînement, puis des noms inventés, avant et après.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, retrain_asked, start

start(6, "fr")  # la leçon 6, en français ; tes exercices faits sont gardés dans lesson_output/

# %% [markdown]
# ## Étape 1 : les noms
#
# Le modèle apprend à partir de vrais noms de Pokémon (tirés de la PokéAPI, © Nintendo).

# %%
import random

from model import load_names

noms = load_names()
longueurs = [len(nom) for nom in noms]
longueur_moyenne = sum(longueurs) / len(noms)
print(number(len(noms)), "vrais noms ; par exemple", ", ".join(noms[:5]))
print(
    f"{number(longueur_moyenne, '.1f')} lettres en moyenne, de {min(longueurs)} à {max(longueurs)}"
)
deja_connus = set(noms)  # pour repérer un nom « inventé » qui existe déjà
if quick_mode():
    noms = random.Random(0).sample(noms, 150)
    print("(Mode rapide : on s'entraîne seulement sur", len(noms), "de ces noms.)")

# %% [markdown]
# ## Étape 2 : le modèle, avec des poids aléatoires
#
# Exactement le modèle de la leçon 5 : embeddings, attention, MLP, softmax. Ses tailles :

# %%
from model import Config, count_params, init_params

config = Config()
nombre_de_poids = count_params(config)
print("taille des embeddings :", config.embed_dim, "(chaque lettre devient autant de nombres)")
print("taille du MLP :", config.hidden_dim, "neurones")
print("contexte :", config.context, "lettres en arrière, au plus")
print("poids en tout :", number(nombre_de_poids), "nombres que l'entraînement va ajuster")
poids = init_params(config, seed=42)  # des poids aléatoires (toujours les mêmes : seed=42)

# %% [markdown]
# La **loss** d'une position, c'est `-log` de la probabilité que le modèle donne à la bonne
# lettre suivante. La loss d'un nom, c'est la moyenne sur toutes ses positions :

# %%
import math

from model import examples, manual


def perte_moyenne(poids, noms):
    """La loss moyenne sur chaque position des noms : plus bas, c'est mieux deviner."""
    pertes = [
        manual.cross_entropy(manual.forward(poids, ids)["logits"], cible)
        for nom in noms
        for ids, cible in examples(nom, config.context)
    ]
    return sum(pertes) / len(pertes)


# %% [markdown]
# ### À toi de jouer ! (exercice 1)
#
# **Avant** que la loss s'affiche : les poids sont aléatoires, le modèle ne sait donc rien.
# Quelle loss attends-tu (`guess_loss`) ? Il y a 27 caractères possibles : les lettres de
# a à z, et le point qui termine un nom.

# %% tags=["values"]
guess_loss = 0.0  # <-- ta réponse : la loss des poids aléatoires

# %%
guess_loss = guess("guess_loss", guess_loss)

# %%
perte_initiale = perte_moyenne(poids, noms[:100])
hasard = math.log(config.vocab_size)  # chaque caractère reçoit 1/27 : -log(1/27) = log(27)
print("loss des poids aléatoires, sur 100 noms :", number(perte_initiale, ".3f"))
print(
    f"deviner au hasard parmi {config.vocab_size} : log({config.vocab_size}) =",
    number(hasard, ".3f"),
)
bravo = (
    f"Bien raisonné : un modèle qui ne sait rien donne à chaque caractère à peu près "
    f"1/{config.vocab_size}, et -log(1/{config.vocab_size}) = {number(hasard, '.2f')}. "
    f"Mesuré : {number(perte_initiale, '.3f')} (des poids aléatoires ne sont pas "
    "parfaitement égaux)."
)
indice = (
    f"Ce n'est pas {number(guess_loss)}. Si le modèle ne sait rien, quelle probabilité "
    "donne-t-il à chacun des 27 caractères ? La loss, c'est -log de cette probabilité."
)
check(1, abs(guess_loss - perte_initiale) <= 0.25, bravo, indice)

# %% [markdown]
# ## Étape 3 : des noms avant l'entraînement
#
# Inventons des noms avec ces poids aléatoires. La **température** règle l'audace :
# en dessous de 1, les lettres probables le deviennent encore plus (des noms sages) ;
# au-dessus de 1, toutes se valent un peu plus (des noms fous).
#
# ### À toi de jouer ! (exercice 2)
#
# Change `temperature_before` (essaie 0,1 ou 2,0), puis exécute les deux cellules. Ça aide ?

# %% tags=["values"]
temperature_before = 0.8  # <-- la température avant l'entraînement : 0.1 (sage) ou 2.0 (fou)

# %%
from model import generate

temperature_before = checked("temperature_before", temperature_before)
avant = [generate(poids, temperature=temperature_before, seed=i) for i in range(10)]
print(
    f"Avec la température {number(temperature_before)} :", ", ".join(n.capitalize() for n in avant)
)
genre = (
    "sages" if temperature_before < 0.5 else "fous" if temperature_before > 1.5 else "équilibrés"
)
bravo = (
    f"Avec la température {number(temperature_before)}, les noms sont {genre}... "
    "et toujours du charabia."
)
indice = "Change temperature_before, par exemple 0.1 ou 2.0, et exécute la cellule à nouveau."
check(2, temperature_before != 0.8, bravo, indice)

# %% [markdown]
# Du charabia, quelle que soit la température : la température change **comment** on tire
# les lettres, pas ce que le modèle **sait**. Pour qu'il sache, il faut l'entraîner.

# %% [markdown]
# ## Étape 4 : la rétropropagation, en 7 étapes
#
# Pour apprendre, chaque poids a besoin de son **gradient** : dans quel sens bouger, et de
# combien. Notre modèle calcule en 7 couches :
#
# `embeddings → attention → résiduel → MLP → résiduel → W_out → softmax`
#
# La rétropropagation refait le même chemin **à l'envers**, couche par couche, avec la
# règle de la chaîne. Elle est écrite à la main dans `model/manual.py`, dans la fonction
# `backward_steps` : un bloc par étape, de la loss jusqu'aux embeddings. L'étape 1, c'est
# la formule des leçons 2 et 3 :
#
# `gradient[lettre] = probabilité prédite[lettre] - (1 si c'est la bonne lettre, sinon 0)`
#
# Le code du projet est en anglais, comme presque tout le code du monde. Ses noms, face à
# ceux du notebook du cours :
#
# | Dans le cours | Dans le projet |
# |---|---|
# | `forward_avec_cache(sequence_ids)` | `manual.forward(params, ids)` |
# | `backward(cache, probas, cible)` | `manual.backward_steps(params, cache, target)` |
# | `cache["cles"]`, `cache["valeurs"]` | `cache["keys"]`, `cache["values"]` |
# | `cache["poids_attn"]` | `cache["attn"]` |
# | `cache["x_apres_attn"]`, `cache["x_final"]` | `cache["x1"]`, `cache["x2"]` |
# | `cache["h1_pre"]`, `cache["h1"]` | `cache["h_pre"]`, `cache["h"]` |
# | `d_h1p` | `d_h_pre` |
# | `generer(debut, temperature)` | `generate(params, prefix, temperature)` |

# %%
import inspect

lignes, premiere = inspect.getsourcelines(manual.backward_steps)
print(f"backward_steps : dans model/manual.py, ligne {premiere}, {len(lignes)} lignes. Lis-la !")

# %% [markdown]
# Faisons-la tourner sur un exemple : après `.pik`, la bonne lettre est `a`. Pour chaque
# étape, ce qu'elle calcule : les `d_...` sont les gradients qu'elle passe à l'étape
# suivante, les autres noms sont des poids (leur gradient, pour le pas de SGD). Et le plus
# grand de ces gradients, en valeur absolue :

# %%
from model.data import encode
from model.params import flatten

ids, cible = encode(".pik"), encode("a")[0]
etapes = manual.backward_steps(poids, manual.forward(poids, ids), cible)
for etape in etapes:
    calcules = {**etape.intermediates, **etape.weight_grads}  # ce que l'étape calcule
    plus_grand = max(abs(g) for g in flatten(calcules))
    print(f"étape {etape.number} ({etape.name}) : {', '.join(calcules)}")
    print(f"    plus grand |gradient| : {number(plus_grand, '.3f')}")
nombre_d_etapes = len(etapes)

# %% [markdown]
# Imagine une rangée de dominos : le dernier (la loss) est tombé trop à droite. En remontant
# la rangée, on trouve quel domino a poussé trop fort, et on l'ajuste.

# %% [markdown]
# ## Étape 5 : l'entraînement
#
# La même boucle que dans les leçons 2 et 3, avec le vrai LLM : prendre un nom ; à chaque
# position, prédire la lettre suivante, mesurer la loss, trouver les gradients (backward),
# bouger chaque poids un tout petit peu **contre** son gradient (c'est la descente de
# gradient, SGD) ; recommencer ! Un passage sur tous les noms s'appelle une **epoch**.
#
# Change `epochs` (5 va vite, 20 apprend mieux) ou `lr`, le taux d'apprentissage (essaie
# 0,005, lent, ou 0,05, rapide).

# %% tags=["values"]
epochs = 10  # <-- le nombre de passages sur tous les noms
lr = 0.01  # <-- le taux d'apprentissage : la taille des petits pas

# %%
from model.data import count_positions, fingerprint

epochs, lr = checked("epochs", epochs), checked("lr", lr)
if quick_mode():
    epochs = 1  # le mode rapide : une seule epoch
mises_a_jour = epochs * count_positions(noms)
print(f"{epochs} epoch(s) de {len(noms)} noms, taux d'apprentissage {number(lr)}")
print(f"soit {number(mises_a_jour, ',')} mises à jour de chaque poids")
reglages = {"backend": "manual", "lr": lr, "epochs": epochs, "names": fingerprint(noms), "seed": 42}

# %% [markdown]
# L'entraînement prend quelques minutes. Le modèle entraîné est gardé dans le dossier
# `lesson_output/` : si tu exécutes la leçon à nouveau avec les mêmes réglages, elle le
# reprend au lieu de tout recommencer (en terminal, `--retrain` l'entraîne à nouveau).

# %%
from model.training.checkpoint import load_checkpoint

fichier = out_file("model.ckpt.json")


def modele_garde():
    """Le modèle d'une séance précédente, entraîné jusqu'au bout avec ces réglages ; sinon None."""
    if retrain_asked() or not fichier.exists():
        return None
    garde = load_checkpoint(fichier, config)
    siens = {
        "backend": garde.backend,
        "lr": garde.optimizer.get("lr"),
        "epochs": garde.epoch,
        "names": garde.names,
        "seed": garde.seed,
    }
    return garde if siens == reglages else None


# %%
from model import train

garde = modele_garde()
if garde is not None:
    poids, historique, pertes = garde.params, garde.history, garde.history
    print("Pas d'entraînement cette fois : le modèle de la séance précédente est dans", fichier)
else:
    resultat = train(
        noms,
        backend="manual",
        optimizer="sgd",
        lr_schedule="constant",
        lr=lr,
        epochs=epochs,
        seed=42,
        params=poids,
        checkpoint=fichier,
        progress=False,
        log=None,
        on_epoch=lambda e, perte: print(
            f"  epoch {e}/{epochs} : loss moyenne {number(perte, '.3f')}"
        ),
    )
    poids, historique, pertes = resultat.params, resultat.history, resultat.losses
    if resultat.stopped != "done":  # Ctrl-C, ou une loss devenue infinie
        print("(Arrêté avant la fin : on continue avec les derniers bons poids.)")
    vitesse = number(resultat.positions_per_second, ".0f")
    print(f"Entraîné en {number(resultat.seconds, '.0f')} s ({vitesse} positions par seconde)")
modele_repris = garde is not None

# %%
from lessons.pictures import line_chart

perte_finale = historique[-1] if historique else perte_initiale
mieux = (1 - perte_finale / perte_initiale) * 100
print(f"Loss : {number(perte_initiale, '.2f')} → {number(perte_finale, '.2f')}")
print(f"soit {number(mieux, '.0f')} % de mieux")
if perte_finale >= perte_initiale:
    print("La loss n'a pas baissé : essaie un lr plus petit, ou plus d'epochs.")
if len(pertes) > 1:  # un modèle repris après 1 epoch n'a qu'un point
    print(line_chart({"loss": pertes}, height=8, fmt=lambda x: number(x, ".2f")))

# %% [markdown]
# La loss baisse : le modèle donne de plus en plus de probabilité aux bonnes lettres.
# (Le graphique montre chaque position, en moyennes par tranches ; quand le modèle est
# repris, il montre la loss moyenne de chaque epoch.)

# %% [markdown]
# ## Étape 6 : des noms après l'entraînement
#
# Les mêmes tirages qu'avant, avec les poids entraînés. Un nom marqué « (existe) » est
# un vrai nom de Pokémon, retrouvé par hasard.

# %%
apres = [generate(poids, temperature=0.8, seed=100 + i) for i in range(15)]
for nom in apres:
    print(" ", nom.capitalize(), "(existe)" if nom in deja_connus else "")

# %% [markdown]
# Que pense le modèle après `.pik` ? Les 5 lettres les plus probables :

# %%
from model.data import VOCAB
from model.sample import next_char_probs

probas = next_char_probs(poids, encode(".pik"))
suivantes = sorted(zip(VOCAB, probas), key=lambda paire: -paire[1])[:5]
for lettre, p in suivantes:
    print(f"  {lettre} {number(p, '.1%'):>6} " + "█" * round(40 * p))

# %% [markdown]
# ### À toi de jouer ! (exercice 3)
#
# Change `temperature` (0,1 : des noms sages et répétitifs ; 2,0 : des noms fous) ou
# `prefix`, le début des noms (`".pik"` : le modèle doit continuer après « pik » ; essaie
# aussi `".bul"` ou `".dra"`).

# %% tags=["values"]
temperature = 0.8  # <-- la température après l'entraînement
prefix = "."  # <-- le début des noms : ".pik", ".bul", ".dra"...

# %%
temperature, prefix = checked("temperature", temperature), checked("prefix", prefix)
debut = prefix.lower() if prefix.startswith(".") else "." + prefix.lower()  # ".pik"
mes_noms = [generate(poids, debut, temperature=temperature, seed=200 + i) for i in range(10)]
print(
    f"Température {number(temperature)}, début « {debut} » :",
    ", ".join(n.capitalize() for n in mes_noms),
)
bravo = (
    f"Génial ! Avec la température {number(temperature)} et le début « {debut} », le modèle "
    "te montre ce qu'il a appris des noms de Pokémon."
)
indice = 'Change temperature ou prefix, par exemple prefix = ".pik" ou temperature = 2.0.'
check(3, temperature != 0.8 or debut != ".", bravo, indice)

# %% [markdown]
# ## En vrai...
#
# **L'autograd.** On a écrit à la main les 7 étapes de `backward_steps`. Dans **PyTorch**,
# on écrit seulement le forward avec des tenseurs qui ont `requires_grad=True`, puis
# `loss.backward()` trouve les gradients tout seul et les range dans `.grad`. **JAX**
# fait le même travail autrement : `jax.grad(perte)` rend la fonction des gradients.
# C'est l'autograd, et on en construit un dans les leçons 7 à 10.
#
# **L'optimiseur.** Notre pas, `poids -= lr * gradient`, s'appelle SGD. PyTorch l'écrit
# `torch.optim.SGD(model.parameters(), lr=0.01)`, puis `optimizer.step()` à chaque exemple.
# Presque tous les vrais LLM utilisent plutôt **Adam**, qui adapte le pas de chaque poids
# à la pente qu'il a vue (la leçon 10 les compare).
#
# **Les GPU.** Notre boucle Python fait une multiplication à la fois. Une carte graphique
# en fait des milliers en même temps : un cuisinier seul contre une brigade de mille.
# GPT-4 a été entraîné sur environ 25 000 GPU pendant des mois ; nos 2 832 poids
# s'entraînent sur un seul processeur en quelques minutes.
#
# Et les vrais LLM regroupent beaucoup de noms à la fois (batch), ajoutent LayerNorm,
# dropout, plusieurs têtes et plusieurs couches. Mais l'algorithme est le même : la
# différence, c'est l'échelle.

# %% [markdown]
# ## Ce qu'on a appris
#
# - La rétropropagation renvoie l'erreur en arrière, couche par couche : 7 étapes pour
#   notre modèle.
# - Entraîner, c'est forward, backward, un petit pas de chaque poids, encore et encore.
# - Un modèle qui ne sait rien a une loss proche de log(27) ; l'entraînement la fait baisser.
# - Même 2 832 poids apprennent à quoi ressemble un nom de Pokémon ; ChatGPT, c'est
#   l'échelle en plus.
#
# Tu as entraîné ton propre LLM. Félicitations !
# **Prochaine étape**, la leçon 7 : un nombre qui se souvient, pour que le backward
# s'écrive tout seul.
