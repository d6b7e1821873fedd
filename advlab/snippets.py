"""Python that reproduces a page's view: "show the code" for notebooks."""

from __future__ import annotations

from .attacks import ATTACKS


def _fmt(v) -> str:
    if isinstance(v, float):
        return repr(float(f"{v:.6g}"))
    return repr(v)


def attack_call(attack: str, *, eps, norm: str, targeted: bool, target: int, params: dict, seed: int,
                x: str = "ds.x_test", y: str = "ds.y_test", clip: str | None = None) -> str:
    """The ``attacks.run_attack(...)`` line for these settings."""
    spec = ATTACKS[attack]
    args = [repr(attack), "model", x, y]
    if spec.uses_eps:
        args += [f"eps={_fmt(float(eps))}", f"norm={norm!r}"]
    if targeted and spec.targeted:
        args += ["targeted=True", f"target={int(target)}"]
    if clip:
        args.append(f"clip={clip}")
    if spec.seeded:
        args.append(f"seed={int(seed)}")
    args += [f"{k}={_fmt(v)}" for k, v in params.items()]
    return "res = attacks.run_attack(" + ", ".join(args) + ")"


def playground_code(*, dataset: str, n_samples: int, noise: float, data_seed: int, n_classes: int,
                    hidden: tuple[int, ...], activation: str, epochs: int, batch_size: int, lr: float, l2: float,
                    seed: int, attack: str, eps, norm: str, targeted: bool, target: int, params: dict) -> str:
    """A self-contained script printing the Playground's four numbers."""
    data_args = f"{dataset!r}, n_samples={int(n_samples)}, noise={_fmt(float(noise))}, seed={int(data_seed)}"
    if dataset == "blobs":
        data_args += f", n_classes={int(n_classes)}"
    return "\n".join([
        "from advlab import attacks, data, models",
        "",
        f"ds = data.load({data_args})",
        (f"model = models.train_mlp(ds.x_train, ds.y_train, hidden={tuple(int(h) for h in hidden)!r}, "
         f"activation={activation!r},"),
        (f"                         epochs={int(epochs)}, batch_size={int(batch_size)}, lr={_fmt(float(lr))}, "
         f"l2={_fmt(float(l2))}, seed={int(seed)})"),
        attack_call(attack, eps=eps, norm=norm, targeted=targeted, target=target, params=params, seed=seed),
        'print(f"clean accuracy       {res.clean_accuracy:.1%}")',
        'print(f"adversarial accuracy {res.adv_accuracy:.1%}")',
        'print(f"attack success rate  {res.success_rate:.1%}")',
        'print(f"mean L-inf / L2      {res.linf.mean():.3f} / {res.l2.mean():.3f}")',
        "",
    ])
