"""Strings of the Seed Lab page, its figures and its code snippets."""

EN = {
    "sl_title": "Seed Lab: the blog's experiment, finished",
    "sl_intro": "A blog post on adversarial examples trains a small Keras network on synthetic data and stops at "
                "`def attack(...): pass`. This page runs its exact setting, writes the attack, and opens the model "
                "up: how accuracy falls as ε grows, what the attack does to each of the 20 features, and what the "
                "decision boundary looks like around one point.",
    # section 1
    "sl_blog_title": "1 · The blog's code, with the attack written",
    "sl_blog_caption": "The blog's data, split, scaling and network, line for line. Two changes: `attack()` now does "
                       "**FGSM with ε = 0.1**, and the network is trained by advlab (the same initialisation, Adam, "
                       "binary cross-entropy, 10 epochs, batches of 32), so it takes a fraction of a second and gives "
                       "the same numbers every time. This code runs as shown; the numbers next to it are its output.",
    "sl_blog_running": "Running the blog's code…",
    "sl_blog_clean": "clean test accuracy",
    "sl_blog_clean_help": "Share of the 200 test points the trained network classifies correctly.",
    "sl_blog_adv": "accuracy under FGSM, ε = 0.1",
    "sl_blog_adv_help": "The same 200 test points after attack() moved every feature by ±0.1 standard deviations.",
    "sl_blog_output": "**Output** of this code, run just now:",
    "sl_blog_ran": "Ran on this server in {s:.2f} s. The seed is fixed, so the numbers are the same every time.",
    "sl_check_title": "**The blog's setting, checked** against the run:",
    "sl_check_what": "what",
    "sl_check_blog": "blog",
    "sl_check_here": "this run",
    "sl_check_data": "samples × features",
    "sl_check_split": "train / test",
    "sl_check_arch": "layer sizes",
    "sl_check_training": "training",
    "sl_check_training_blog": "Adam, binary cross-entropy, 10 epochs, batch 32",
    "sl_check_training_here": "Adam (lr 0.001), binary cross-entropy, 10 epochs, batch 32",
    "sl_diff_title": "What differs from the blog's code, and why",
    "sl_diff_body": "- **`attack()` is written.** The blog leaves it as `pass`, so its `X_adv` is `None`. Here it is "
                    "FGSM: one step of size ε along the sign of the loss gradient (section 2).\n"
                    "- **Training uses `advlab.models.train_mlp`** instead of `model.compile` and `model.fit`. The "
                    "mathematics is the same (Glorot-uniform weights, Adam with Keras' defaults, batches of 32 "
                    "reshuffled every epoch) and the result is a real Keras model, but it trains in milliseconds and "
                    "a seed makes it reproducible; Keras' `fit` without a seed gives a slightly different network "
                    "on every run.\n"
                    "- **The last layer outputs a logit.** `Dense(1, activation='sigmoid')` with binary cross-entropy "
                    "and `Dense(1)` with the sigmoid inside the loss are the same model; the logit form is "
                    "numerically safer and is what every advlab attack expects.\n"
                    "- **Everything else is the blog's**: `make_classification` with the same arguments, the 80/20 "
                    "split with `random_state=42`, the `StandardScaler` fit on the training part, layers of 64 and "
                    "32 ReLU units.",
    # section 2
    "sl_math_title": "2 · The math the blog left out",
    "sl_math_intro": "The blog's formula section gives only $L = f(x, y)$ and calls $y$ the model's prediction. "
                     "Here is what the code above actually computes; $y$ is the **true label**.",
    "sl_math_loss": "**The loss.** $f_\\theta(x)$ is the network's output for input $x$ (the logit, before any "
                    "sigmoid) with weights $\\theta$; $\\sigma$ is the sigmoid, so $\\sigma(f_\\theta(x))$ is the "
                    "predicted probability of class 1. $y \\in \\{0, 1\\}$ is the true label. This cross-entropy is "
                    "near 0 when the true class gets a high probability and grows without bound when the model is "
                    "confidently wrong.",
    "sl_math_train": "**Training** changes the weights $\\theta$ to make the average loss over the $n = 800$ "
                     "training points small (Adam, 10 passes over the data).",
    "sl_math_attack": "**The attacker** does the opposite with the weights frozen: it changes the input by some "
                      "$\\delta$ and looks for the largest loss, allowed to move each feature by at most "
                      "$\\varepsilon$ ($\\|\\delta\\|_\\infty \\le \\varepsilon$). The features are standardised, so "
                      "$\\varepsilon = 0.1$ is a tenth of a standard deviation. The exact maximum is hard to find; "
                      "FGSM and PGD approximate it.",
    "sl_math_fgsm": "**FGSM** takes a single step. $\\nabla_x L$ is the gradient with respect to the **input**, not "
                    "the weights; its sign says, for each feature, which way raises the loss. If the loss were "
                    "linear in $x$, this step would solve the maximisation above exactly. This is the `attack()` in "
                    "section 1.",
    "sl_math_pgd": "**PGD** repeats smaller steps of size $\\alpha$ from $x^0 = x$ (or a random start in the ball), "
                   "and after each one projects ($\\Pi$) back into the ε-ball around $x$. It finds higher losses "
                   "than FGSM when the loss curves. With the L2 norm the sign is replaced by $g / \\|g\\|_2$.",
    # section 3
    "sl_explore_title": "3 · Explore: other attacks, budgets and networks",
    "sl_explore_caption": "Pick an attack and ε here; retrain the network with other epochs, widths or seed in the "
                          "sidebar. Results are kept: returning to an earlier ε is instant, and moving ε never "
                          "retrains.",
    "sl_net_title": "Network (retrains)",
    "sl_epochs": "epochs",
    "sl_w1": "neurons in hidden layer 1",
    "sl_w2": "neurons in hidden layer 2",
    "sl_w_none": "none",
    "sl_seed": "training seed",
    "sl_seed_help": "Starting weights and batch order. The same seed gives the same network, bit for bit.",
    "sl_net_caption": "The blog: 10 epochs, 64 and 32 neurons (seed 0 here). Any change here retrains, in well under "
                      "a second; the attack controls never do.",
    "sl_reset": "Back to the blog's setting",
    "sl_training_now": "Training: epoch {ep} of {n}",
    "sl_model_line": "Network **{arch}**, {epochs} epochs, seed {seed}: clean test accuracy **{acc:.1%}**",
    "sl_model_is_blog": "the blog's network, the same weights as in section 1.",
    "sl_model_differs": "retrained away from the blog's setting ({diff}), so the numbers differ from section 1.",
    "sl_diff_arch": "layers {arch}",
    "sl_diff_epochs": "{n} epochs",
    "sl_diff_seed": "seed {n}",
    "sl_attack_error": "The attack could not run with these settings: {msg}",
    "sl_m_clean": "clean accuracy",
    "sl_m_clean_help": "Share of the 200 test points classified correctly before the attack.",
    "sl_m_adv": "accuracy under attack",
    "sl_m_adv_help": "Share of the 200 test points still classified correctly after the attack.",
    "sl_m_success": "attack success rate",
    "sl_m_success_help": "Of the points the network got right, the share the attack fooled (targeted: sent to the "
                         "target class).",
    "sl_m_l2": "mean L2 change",
    "sl_m_l2_help": "Average total length of the change over the 20 features. An L∞ step of ε moves all 20 "
                    "features, so its L2 length is ε·√20 ≈ 4.5·ε.",
    "sl_curve_title": "Accuracy as the budget grows",
    "sl_curve_running": "Attacking the test set at 21 budgets…",
    "sl_curve_caption": "Each point on the red curve attacks all 200 test points at that ε. Grey dashes: random noise "
                        "within the same budget (drawn uniformly from the ε-box, so shorter than the attack's change), "
                        "which the network barely notices. The black diamond is the current ε.",
    "sl_curve_caption_noeps": "{attack} has no ε: it looks for the smallest change that flips each point. The curve counts a "
                              "point as lost once that change fits within the budget. Grey dashes: random noise within the "
                              "same budget.",
    "sl_curve_csv": "Download the curve (CSV)",
    "sl_pca_title": "Every test point, before and after (PCA view)",
    "sl_pca_caption": "PCA fit on the clean training data; its two axes hold {share} of the variance. Only about "
                      "{inplane} of a typical perturbation's length lies in this plane, so most lines look short: "
                      "the attack moves points mainly along directions this picture cannot show.",
    "sl_point_title": "One test point up close",
    "sl_point": "test point #",
    "sl_point_help": "The 200 test points are numbered 0 to 199, in the order of the blog's X_test.",
    "sl_next_fooled": "next fooled point →",
    "sl_no_fooled": "No test point is fooled with these settings; raise ε or pick a stronger attack.",
    "sl_point_range": "There is no test point {i}: the test set holds points 0 to {n}. Showing point 0.",
    "sl_point_status": "Point **#{i}**: true class **{true}**. The network said **{before}** ({pb} sure) before the "
                       "attack and **{after}** ({pa} sure) after: {verdict}. Moved L∞ {linf:.3f}, L2 {l2:.3f}.",
    "sl_fooled": "**fooled**",
    "sl_not_fooled": "not fooled",
    "sl_wrong_already": "it was wrong even before the attack",
    "sl_bars_title": "What the attack did to each of the 20 features",
    "sl_bars_caption": "Blue: the 10 informative features, which carry the class signal. Orange: the 10 redundant "
                       "ones, random mixtures of the informative ones (the same signal again). Black diamonds: the "
                       "loss gradient, rescaled, the direction the attack follows. Here {share} of the gradient's "
                       "weight sits on informative features: the attack pushes all 20 at once, and many small pushes "
                       "add up.",
    "sl_bars_fgsm": "FGSM moves every feature by exactly ±ε, in the direction of its gradient's sign, whatever its role.",
    "sl_slice_title": "The decision function on a 2-D slice through the point",
    "sl_slice_from_grad": "The attack did not move this point (ε = 0, or it found nothing), so the slice runs along "
                          "the loss gradient instead.",
    "sl_slice_why": "**Why a slice?** The network reads 20 numbers per point, so its decision boundary is a surface "
                    "in 20 dimensions that no screen can draw. The slice picture cuts a flat plane through "
                    "the chosen point: across is the direction the attack moved it, up is a random direction at "
                    "right angles to that. Colour is the network's probability of class 1 on the slice, the black "
                    "line is where its decision flips, the dashed outline is the ε-ball's cross-section. Along the "
                    "attack's direction the boundary is close; along a random one it is usually far, which is why "
                    "random noise within the same budget hardly matters.",
    "sl_csv": "Download the adversarial test points (CSV)",
    "sl_code_title": "4 · Show the code",
    "sl_code_caption": "Python that rebuilds this view (model, attack, all four charts) with your current settings. "
                       "Paste it into a notebook started in the advlab folder; each `fig.show()` draws a chart.",
    "sl_code_expander": "Code for the current view",
    # figures
    "sl_fig_noise": "random noise (same budget)",
    "sl_fig_chance": "chance (50%)",
    "sl_fig_now": "current ε",
    "sl_fig_budget": "allowed change ({norm} length)",
    "sl_fig_test_acc": "test accuracy",
    "sl_fig_role_informative": "informative feature",
    "sl_fig_role_redundant": "redundant feature",
    "sl_fig_role_unknown": "other feature",
    "sl_fig_grad": "loss gradient (rescaled)",
    "sl_fig_feature": "feature (informative first, then redundant)",
    "sl_fig_change": "change (standard deviations)",
    "sl_fig_p1": "P({c})",
    "sl_fig_slice_hover": "across %{x:.2f}, up %{y:.2f}<br>P(class 1) = %{z:.1%}",
    "sl_fig_ball": "ε-ball ({norm}), cross-section",
    "sl_fig_clean_point": "clean point",
    "sl_fig_adv_point": "adversarial point",
    "sl_fig_axis_attack": "along the attack direction",
    "sl_fig_axis_grad": "along the loss gradient",
    "sl_fig_axis_random": "random orthogonal direction",
    "sl_fig_clean_class": "clean · {c}",
    "sl_fig_pca_hover": "clean #%{{customdata}} · {c}",
    "sl_fig_chosen": "point #{i}",
    "sl_fig_pc": "principal component {k} ({share} of variance)",
    # snippets: comments and printed labels inside code
    "sl_snip_c_data": "Generate the training set (the blog's data, unchanged)",
    "sl_snip_c_train": "Train the network: 64 relu -> 32 relu -> 1 output; Adam, cross-entropy",
    "sl_snip_c_logit": "The output is a logit: the sigmoid sits inside the loss",
    "sl_snip_c_attack": "Design the attack: FGSM (Goodfellow et al., 2015)",
    "sl_snip_c_grad": "gradient of the loss w.r.t. the input (not the weights)",
    "sl_snip_c_step": "one step along its sign: each feature moves by exactly +-epsilon",
    "sl_snip_c_adv": "Generate adversarial examples",
    "sl_snip_p_clean": "clean test accuracy:",
    "sl_snip_p_adv": "accuracy under FGSM (epsilon=0.1):",
    "sl_view_head": "Rebuilds the Seed Lab view with the settings it was copied with",
    "sl_view_model": "The network (the blog's setting is hidden=(64, 32), epochs=10, seed=0)",
    "sl_view_attack": "Attack every test point",
    "sl_view_curve": "Accuracy against the budget, with random noise within the same budget as a baseline",
    "sl_view_point": "One test point: what the attack did to each feature",
    "sl_view_slice": "A 2-D slice of the decision function through that point",
    "sl_view_pca": "Clean and adversarial test points in the plane of the first two principal components",
    "sl_view_show": "Draw the four charts",
}

ZH = {
    "sl_title": "种子实验：把博客的实验做完",
    "sl_intro": "一篇讲对抗样本的博客在合成数据上训练了一个小型 Keras 网络，却停在了 `def attack(...): pass`。"
                "本页按它的设置原样运行，补上攻击，再打开模型看个究竟：准确率如何随 ε 增大而下降，"
                "攻击对 20 个特征分别做了什么，以及某个点周围的决策边界长什么样。",
    "sl_blog_title": "1 · 博客的代码，补上攻击",
    "sl_blog_caption": "数据、划分、标准化和网络都与博客逐行一致。只有两处改动：`attack()` 现在实现了 "
                       "**ε = 0.1 的 FGSM**；网络由 advlab 训练（相同的初始化、Adam、二元交叉熵、10 轮、批大小 32），"
                       "不到一秒就能训练完，而且每次结果都相同。这段代码可以原样运行，旁边的数字就是它的输出。",
    "sl_blog_running": "正在运行博客的代码…",
    "sl_blog_clean": "干净测试准确率",
    "sl_blog_clean_help": "训练好的网络在 200 个测试点中分类正确的比例。",
    "sl_blog_adv": "FGSM（ε = 0.1）下的准确率",
    "sl_blog_adv_help": "同样 200 个测试点在 attack() 把每个特征移动 ±0.1 个标准差之后的准确率。",
    "sl_blog_output": "**输出**：刚刚运行这段代码得到的结果：",
    "sl_blog_ran": "在本服务器上运行耗时 {s:.2f} 秒。随机种子是固定的，所以每次数字都一样。",
    "sl_check_title": "**核对博客的设置**（与本次运行对照）：",
    "sl_check_what": "项目",
    "sl_check_blog": "博客",
    "sl_check_here": "本次运行",
    "sl_check_data": "样本数 × 特征数",
    "sl_check_split": "训练 / 测试",
    "sl_check_arch": "各层大小",
    "sl_check_training": "训练",
    "sl_check_training_blog": "Adam，二元交叉熵，10 轮，批大小 32",
    "sl_check_training_here": "Adam（学习率 0.001），二元交叉熵，10 轮，批大小 32",
    "sl_diff_title": "与博客代码有何不同，为什么",
    "sl_diff_body": "- **`attack()` 写出来了。** 博客里它只是 `pass`，所以 `X_adv` 是 `None`。这里实现的是 FGSM："
                    "沿损失梯度的符号走一步，步长为 ε（见第 2 节）。\n"
                    "- **训练用的是 `advlab.models.train_mlp`**，而不是 `model.compile` 和 `model.fit`。数学上完全相同"
                    "（Glorot 均匀初始化、采用 Keras 默认参数的 Adam、每轮重新打乱的 32 个样本一批），得到的也是真正的 "
                    "Keras 模型，但训练只需几毫秒，而且有随机种子，结果可复现；不设种子的 Keras `fit` "
                    "每次都会得到略有不同的网络。\n"
                    "- **最后一层输出 logit。** `Dense(1, activation='sigmoid')` 加二元交叉熵，与 `Dense(1)` "
                    "加上放在损失函数里的 sigmoid 是同一个模型；logit 形式在数值上更稳定，也是 advlab 所有攻击所要求的。\n"
                    "- **其余都与博客相同**：参数相同的 `make_classification`、`random_state=42` 的 80/20 划分、"
                    "只在训练部分上拟合的 `StandardScaler`、64 和 32 个 ReLU 单元的两层。",
    "sl_math_title": "2 · 博客省略的数学",
    "sl_math_intro": "博客的公式部分只写了 $L = f(x, y)$，还把 $y$ 说成模型的预测结果。下面是上面代码真正计算的内容；"
                     "$y$ 是**真实标签**。",
    "sl_math_loss": "**损失函数。** $f_\\theta(x)$ 是权重为 $\\theta$ 的网络对输入 $x$ 的输出（logit，尚未经过 sigmoid）；"
                    "$\\sigma$ 是 sigmoid，所以 $\\sigma(f_\\theta(x))$ 是预测为类别 1 的概率。$y \\in \\{0, 1\\}$ "
                    "是真实标签。当真实类别得到高概率时，这个交叉熵接近 0；当模型自信地判错时，它会无限增大。",
    "sl_math_train": "**训练**调整权重 $\\theta$，使 $n = 800$ 个训练点上的平均损失变小（Adam，遍历数据 10 次）。",
    "sl_math_attack": "**攻击者**反其道而行之：权重固定不动，给输入加上某个 $\\delta$，寻找最大的损失，"
                      "但每个特征最多只能移动 $\\varepsilon$（$\\|\\delta\\|_\\infty \\le \\varepsilon$）。"
                      "特征已经标准化，所以 $\\varepsilon = 0.1$ 就是十分之一个标准差。精确的最大值很难求，"
                      "FGSM 和 PGD 都是它的近似。",
    "sl_math_fgsm": "**FGSM** 只走一步。$\\nabla_x L$ 是对**输入**（而不是权重）的梯度；它的符号告诉我们每个特征往哪个方向"
                    "移动会让损失变大。如果损失关于 $x$ 是线性的，这一步就恰好解出了上面的最大化问题。"
                    "它就是第 1 节里的 `attack()`。",
    "sl_math_pgd": "**PGD** 从 $x^0 = x$（或球内的随机起点）出发，反复走步长为 $\\alpha$ 的小步，每走一步都投影（$\\Pi$）"
                   "回以 $x$ 为中心的 ε 球内。当损失曲面弯曲时，它能找到比 FGSM 更大的损失。"
                   "使用 L2 范数时，符号函数换成 $g / \\|g\\|_2$。",
    "sl_explore_title": "3 · 探索：其他攻击、预算和网络",
    "sl_explore_caption": "在这里选择攻击方法和 ε；在侧边栏用其他轮数、宽度或随机种子重新训练网络。结果会被保留："
                          "回到之前的 ε 是即时的，移动 ε 也从不重新训练。",
    "sl_net_title": "网络（会重新训练）",
    "sl_epochs": "训练轮数",
    "sl_w1": "第 1 隐藏层神经元数",
    "sl_w2": "第 2 隐藏层神经元数",
    "sl_w_none": "无",
    "sl_seed": "训练随机种子",
    "sl_seed_help": "初始权重和批次顺序。相同的种子得到逐位相同的网络。",
    "sl_net_caption": "博客：10 轮，64 和 32 个神经元（这里种子为 0）。改动这里的设置会重新训练，用时远不到一秒；"
                      "攻击控件则从不触发重新训练。",
    "sl_reset": "恢复博客的设置",
    "sl_training_now": "训练中：第 {ep} / {n} 轮",
    "sl_model_line": "网络 **{arch}**，{epochs} 轮，种子 {seed}：干净测试准确率 **{acc:.1%}**",
    "sl_model_is_blog": "这就是博客的网络，权重与第 1 节完全相同。",
    "sl_model_differs": "已偏离博客的设置重新训练（{diff}），所以数字与第 1 节不同。",
    "sl_diff_arch": "层结构 {arch}",
    "sl_diff_epochs": "{n} 轮",
    "sl_diff_seed": "种子 {n}",
    "sl_attack_error": "在这些设置下无法运行攻击：{msg}",
    "sl_m_clean": "干净准确率",
    "sl_m_clean_help": "攻击前 200 个测试点中被正确分类的比例。",
    "sl_m_adv": "攻击下的准确率",
    "sl_m_adv_help": "攻击后 200 个测试点中仍被正确分类的比例。",
    "sl_m_success": "攻击成功率",
    "sl_m_success_help": "在网络原本分类正确的点中，被攻击骗过的比例（定向攻击：被送到目标类别的比例）。",
    "sl_m_l2": "平均 L2 改动",
    "sl_m_l2_help": "20 个特征上改动的平均总长度。大小为 ε 的 L∞ 步会移动全部 20 个特征，"
                    "所以它的 L2 长度是 ε·√20 ≈ 4.5·ε。",
    "sl_curve_title": "准确率随预算增大的变化",
    "sl_curve_running": "正在用 21 个预算攻击测试集…",
    "sl_curve_caption": "红色曲线上的每个点都在该 ε 下攻击全部 200 个测试点。灰色虚线：同样预算内的随机噪声（在 ε 方框内均匀抽取，所以比攻击的改动短），网络几乎察觉不到它。黑色菱形是当前的 ε。",
    "sl_curve_caption_noeps": "{attack} 没有 ε：它为每个点寻找能翻转预测的最小改动。一旦这个改动落在预算之内，曲线就把该点计为失守。灰色虚线：同样预算内的随机噪声。",
    "sl_curve_csv": "下载曲线数据（CSV）",
    "sl_pca_title": "所有测试点，攻击前后（PCA 视图）",
    "sl_pca_caption": "PCA 在干净的训练数据上拟合；两个坐标轴共包含 {share} 的方差。一个典型扰动的长度只有大约 {inplane} "
                      "落在这个平面内，所以大多数连线看起来很短：攻击主要沿着这张图画不出来的方向移动数据点。",
    "sl_point_title": "近看一个测试点",
    "sl_point": "测试点编号",
    "sl_point_help": "200 个测试点编号为 0 到 199，顺序与博客的 X_test 相同。",
    "sl_next_fooled": "下一个被骗的点 →",
    "sl_no_fooled": "在这些设置下没有测试点被骗；请增大 ε 或换一种更强的攻击。",
    "sl_point_range": "不存在第 {i} 个测试点：测试集的编号是 0 到 {n}。改为显示第 0 个点。",
    "sl_point_status": "点 **#{i}**：真实类别 **{true}**。攻击前网络判为 **{before}**（置信度 {pb}），攻击后判为 **{after}**（置信度 "
                       "{pa}）：{verdict}。移动 L∞ {linf:.3f}，L2 {l2:.3f}。",
    "sl_fooled": "**被骗了**",
    "sl_not_fooled": "没有被骗",
    "sl_wrong_already": "攻击前就已经判错了",
    "sl_bars_title": "攻击对 20 个特征分别做了什么",
    "sl_bars_caption": "蓝色：10 个信息特征，携带类别信号。橙色：10 个冗余特征，是信息特征的随机线性组合（同一信号的重复）。"
                       "黑色菱形：缩放后的损失梯度，也就是攻击所沿的方向。"
                       "这里梯度的权重有 {share} 落在信息特征上：攻击同时推动全部 20 个特征，许多小推动累加起来就够了。",
    "sl_bars_fgsm": "无论特征扮演什么角色，FGSM 都把它沿梯度符号的方向恰好移动 ±ε。",
    "sl_slice_title": "过该点的二维切片上的决策函数",
    "sl_slice_from_grad": "攻击没有移动这个点（ε = 0，或者没找到改动），所以切片改为沿损失梯度方向。",
    "sl_slice_why": "**为什么要切片？** 网络每个点读入 20 个数，所以它的决策边界是 20 维空间中的一个曲面，"
                    "任何屏幕都画不出来。切片图穿过所选的点切出一个平面：横向是攻击移动它的方向，"
                    "纵向是与之垂直的一个随机方向。颜色是网络在这个切面上判为类别 1 的概率，黑线是判断翻转的位置，"
                    "虚线轮廓是 ε 球的截面。沿攻击方向，边界近在咫尺；沿随机方向，它通常很远——"
                    "这正是同样预算内的随机噪声几乎无效的原因。",
    "sl_csv": "下载对抗测试点（CSV）",
    "sl_code_title": "4 · 查看代码",
    "sl_code_caption": "用你当前的设置重建这个视图（模型、攻击和全部四张图）的 Python 代码。"
                       "把它粘贴到在 advlab 文件夹中启动的 notebook 里；每个 `fig.show()` 会画出一张图。",
    "sl_code_expander": "当前视图的代码",
    "sl_fig_noise": "随机噪声（同样预算）",
    "sl_fig_chance": "随机猜测（50%）",
    "sl_fig_now": "当前 ε",
    "sl_fig_budget": "允许的改动（{norm} 长度）",
    "sl_fig_test_acc": "测试准确率",
    "sl_fig_role_informative": "信息特征",
    "sl_fig_role_redundant": "冗余特征",
    "sl_fig_role_unknown": "其他特征",
    "sl_fig_grad": "损失梯度（已缩放）",
    "sl_fig_feature": "特征（先信息特征，后冗余特征）",
    "sl_fig_change": "改动（标准差）",
    "sl_fig_p1": "P({c})",
    "sl_fig_slice_hover": "横向 %{x:.2f}，纵向 %{y:.2f}<br>P(类别 1) = %{z:.1%}",
    "sl_fig_ball": "ε 球（{norm}）截面",
    "sl_fig_clean_point": "干净的点",
    "sl_fig_adv_point": "对抗点",
    "sl_fig_axis_attack": "沿攻击方向",
    "sl_fig_axis_grad": "沿损失梯度方向",
    "sl_fig_axis_random": "随机正交方向",
    "sl_fig_clean_class": "干净 · {c}",
    "sl_fig_pca_hover": "干净点 #%{{customdata}} · {c}",
    "sl_fig_chosen": "点 #{i}",
    "sl_fig_pc": "主成分 {k}（占方差 {share}）",
    "sl_snip_c_data": "生成训练集（与博客完全相同）",
    "sl_snip_c_train": "训练神经网络模型：64 relu -> 32 relu -> 1 个输出；Adam，交叉熵",
    "sl_snip_c_logit": "输出的是 logit：sigmoid 放在损失函数里",
    "sl_snip_c_attack": "设计攻击方法：FGSM（Goodfellow 等，2015）",
    "sl_snip_c_grad": "损失对输入（而不是权重）的梯度",
    "sl_snip_c_step": "沿梯度符号走一步：每个特征恰好移动 +-epsilon",
    "sl_snip_c_adv": "生成对抗样本",
    "sl_snip_p_clean": "干净测试准确率：",
    "sl_snip_p_adv": "FGSM（epsilon=0.1）下的准确率：",
    "sl_view_head": "按复制时的设置重建种子实验页面的视图",
    "sl_view_model": "网络（博客的设置是 hidden=(64, 32)、epochs=10、seed=0）",
    "sl_view_attack": "攻击每个测试点",
    "sl_view_curve": "准确率随预算的变化，以同样预算内的随机噪声作为基线",
    "sl_view_point": "一个测试点：攻击对每个特征做了什么",
    "sl_view_slice": "过该点的决策函数二维切片",
    "sl_view_pca": "干净和对抗测试点在前两个主成分平面上的位置",
    "sl_view_show": "画出四张图",
}
