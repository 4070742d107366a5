"""The course's mini-LLM: one model, its weights as plain lists, and four ways to train it.

- manual_loss_and_grads: forward on floats, then the handwritten 7-step backward;
- autograd_loss_and_grads: the same forward built from Values, then backward();
- model.compiled.compiled_step: that graph recorded once per window length by
  autograd.jit, and replayed as generated Python on floats (backend "compiled");
- model.torch_backend.torch_loss_and_grads: the same with PyTorch tensors and
  loss.backward(), an optional extra (pip install '.[torch]'), so not imported here.

The model grows: Config(heads=2, layers=2, norm="rms", dropout=0.1) is trained by
make_step(backend, config) or train(config=config) with any backend but the
handwritten one, and sampled by generate(params, config=config).
"""

from model.autodiff import autograd_loss_and_grads
from model.backends import make_step
from model.data import VOCAB, decode, encode, examples, load_names
from model.manual import manual_loss_and_grads
from model.params import Config, count_params, init_params
from model.sample import generate
from model.training.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from model.training.train import train
from model.training.trainer import Trainer, TrainResult, TrainSettings

__all__ = [
    "VOCAB",
    "Checkpoint",
    "Config",
    "TrainResult",
    "TrainSettings",
    "Trainer",
    "autograd_loss_and_grads",
    "count_params",
    "decode",
    "encode",
    "examples",
    "generate",
    "init_params",
    "load_checkpoint",
    "load_names",
    "make_step",
    "manual_loss_and_grads",
    "save_checkpoint",
    "train",
]
