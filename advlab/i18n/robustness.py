"""Strings of the Robustness page."""

EN = {
    "rb_title": "Robustness: how much does it take?",
    "rb_intro": "Train a network, then attack the same test points with growing budgets ε. How fast does "
                "accuracy fall, attack by attack? How far is each point from the boundary? Compare with random "
                "noise within the same budget.",
    "rb_data": "Data",
    "rb_dataset": "dataset",
    "rb_ds_blobs": "blobs (3 classes)",
    "rb_samples": "samples (2-D sets)",
    "rb_network": "Network",
    "rb_layers": "hidden layers",
    "rb_width": "neurons in the first layer",
    "rb_width_help": "Each further layer has half as many neurons: 64 with 2 layers is the blog's 64-32 network.",
    "rb_training": "Training",
    "rb_epochs": "epochs",
    "rb_seed": "seed",
    "rb_seed_help": "Starting weights, batch order, random noise and PGD's random start. The same seed gives the "
                    "same numbers.",
    "rb_evaluation": "Evaluation",
    "rb_points": "test points attacked",
    "rb_points_help": "The first N test points are attacked by every attack at every ε. Fewer points compute faster; "
                      "more give smoother curves.",
    "rb_points_capped": "This dataset has only {n} test points, so all {n} are used (asked for {want}).",
    "rb_training_now": "Training: epoch {ep} of {n}",
    "rb_clean_acc": "clean test accuracy",
    "rb_clean_acc_help": "Share of all {n} test points classified correctly without any attack.",
    "rb_arch": "hidden layers",
    "rb_arch_help": "The whole network: {arch} (inputs → hidden layers → outputs). One output means two classes "
                    "(a single logit); otherwise one output per class.",
    "rb_trained": "training time ({ep} epochs)",
    "rb_trained_value": "{ms:.0f} ms",
    "rb_trained_help": "Adam with learning rate {lr:g}, mini-batches of 32. Changing ε, attacks or the table "
                       "never retrains; changing the data, network, epochs or seed does (once per setting).",
    "rb_points_used": "test points attacked",
    "rb_norm_linf": "L∞",
    "rb_norm_l2": "L2",
    "rb_list_sep": ", ",
    "rb_short_noise": "noise",
    "rb_short_pgd": "PGD",
    # curves
    "rb_curves_title": "Accuracy as the budget grows",
    "rb_settings": "Attacks and ε range",
    "rb_eps_max": "largest ε on the curve",
    "rb_eps_max_help": "The curves run from ε = 0 to this value. Changing it never retrains the network.",
    "rb_n_eps": "number of ε values",
    "rb_n_eps_help": "Points per curve, evenly spaced from 0 to the largest ε.",
    "rb_attack_settings": "Attack settings (steps, restarts, momentum)",
    "rb_no_params": "The chosen attacks have no settings of their own.",
    "rb_no_attack": "No attack is selected: tick at least one of the attacks above to draw curves.",
    "rb_eps_max_range": "The largest ε was {got:g}, but for {ds} in {norm} it can be at most {hi:g} (beyond that "
                        "the ε-ball covers the whole dataset). Using {hi:g}.",
    "rb_eps_range": "The table's ε was {got:g}, above the largest ε on the curves ({hi:g}). Using {hi:g}; "
                    "raise the range first to look further.",
    "rb_computing": "Attacking: {attack} at ε = {eps:.3g} ({done} of {total})",
    "rb_show": "show",
    "rb_show_accuracy": "accuracy under attack",
    "rb_show_success": "attack success rate",
    "rb_success_caption": "Success rate: of the test points the network got right without an attack, the share each "
                          "attack makes it get wrong.",
    "rb_band_hint": "Tick both random noise and PGD to shade the gap between them.",
    "rb_read_title": "How do I read this?",
    "rb_read_curves": "- Each line is one attack on the same {n} test points; the x-axis is its budget ε in {norm}. At "
                      "ε = 0 nothing moves, so every line starts at the clean accuracy.\n"
                      "- **Grey dotted: random noise** within the same budget. It is the baseline: how much a random "
                      "push inside the ε-ball hurts when its direction is not chosen. In L2 the noise has length "
                      "exactly ε; in L∞ it is drawn uniformly from the box, so with d features its typical L2 length "
                      "is about ε·√(d/3), against ε·√d for an FGSM step.\n"
                      "- **The shaded band** between noise and PGD is what choosing the direction buys the attacker.\n"
                      "- Lower means a stronger attack. The lowest line is the best estimate of the network's accuracy "
                      "under attack, and still only an upper bound: a stronger attack could go lower.\n"
                      "- Below the *chance* line the attack does more than erase what the network learned: it sends "
                      "points to a wrong class on purpose.",
    "rb_csv_curves": "Download curves (CSV)",
    # shapes
    "rb_shape_rebound_fgsm": "**{attack}: accuracy rises again** — from {v0:.0%} at ε = {e0:.2f} back up to {v1:.0%} at ε = "
                             "{e1:.2f}. FGSM takes a single step of full size ε in the direction the gradient points *at the "
                             "clean point*. A small step crosses the nearest boundary; a large one jumps right over the "
                             "wrong-class region and lands where the network is right again — the gradient only describes the "
                             "network close to the point. The iterative attacks in this app take small steps and keep the "
                             "first point that fools the network, so they do not overshoot (that is this app's choice: PGD as "
                             "Madry et al. define it returns its last step). (A similar rise on networks adversarially "
                             "trained with FGSM is called *label leaking*: there the network learns to read the label from "
                             "the perturbation.)",
    "rb_shape_rebound": "**{attack}: accuracy rises again** between ε = {e0:.2f} ({v0:.0%}) and ε = {e1:.2f} "
                        "({v1:.0%}). A bigger budget contains every smaller one, so the true worst case can only get "
                        "worse: the rise comes from the attack, not the network. Its steps grow with ε and can "
                        "overshoot, and random starts differ from one ε to the next. More steps usually smooth it.",
    "rb_shape_zero": "**{attack} reaches 0% accuracy at ε = {eps:.2f}**: every test point is fooled, and the "
                     "success rate is 100%. Beyond that the curve cannot go lower, so the rest of the range shows "
                     "nothing new. Lower the largest ε to see the drop in more detail.",
    "rb_shape_noise_flat": "**Random noise barely moves the accuracy** ({clean:.0%} → {noise:.0%} at ε = {eps:.2f}), while "
                           "{attack} with the very same budget drives it to {best:.0%}. Only the part of a push that points "
                           "across the boundary counts, and the attack puts its whole budget there. With an L2 budget, "
                           "noise of length ε in a random direction has a part of typically only about ε/√{d} ≈ "
                           "ε/{sqrt:.1f} along the attack's direction in {d} dimensions, and it points away from the "
                           "boundary half of the time. With an L∞ budget, uniform noise has a part of about ε/√3 along any "
                           "direction, in any dimension, while the sign step gains between ε and ε·√{d} ≈ {sqrt:.1f}·ε. "
                           "Even in 2-D, random noise crosses a nearby flat boundary at most half as often as the attack: "
                           "half of all random pushes point away from it. Adversarial examples are about the *direction* of "
                           "a change, not its size.",
    "rb_shape_weaker": "**{attack} ends above {other}** at ε = {eps:.2f} ({v:.0%} against {v2:.0%}). A more "
                       "elaborate attack is not guaranteed to win: each gradient attack climbs the loss locally and "
                       "can stop at a poor local maximum (PGD's random start may land in a worse spot). The lowest "
                       "curve is the one to trust. More random restarts usually close the gap (attack settings "
                       "above).",
    # minimal perturbations
    "rb_min_title": "How far is the boundary? Minimal perturbations",
    "rb_min_intro": "DeepFool and Carlini–Wagner have no budget: for every correctly classified test point they "
                    "search for the *smallest* change (L2 length) that flips the answer. Left: how those distances "
                    "are spread. Right: the share of points that flip within any distance d.",
    "rb_min_settings": "DeepFool and C&W settings",
    "rb_min_computing": "Searching for the smallest flipping change of every point (DeepFool, then C&W)…",
    "rb_min_none": "The network gets none of these test points right, so there is nothing to flip.",
    "rb_min_median": "median distance, {method}",
    "rb_min_median_help": "Half of the correctly classified points flip with a change of at most this L2 length.",
    "rb_min_ratio": "C&W ÷ DeepFool (median)",
    "rb_min_ratio_help": "Per point, C&W's distance divided by DeepFool's; the median over points. Below 1: C&W "
                         "found smaller changes. DeepFool is fast and follows a straight-line picture of the "
                         "network to the first crossing; C&W optimizes the distance itself, which pays off where "
                         "the boundary is curved.",
    "rb_min_within": "flip within L2 ≤ {eps:.3g} (C&W)",
    "rb_min_within_help": "Share of correctly classified points that C&W flips with a change no longer than the "
                          "table's ε: the same question the L2 PGD curve answers, asked the other way round.",
    "rb_min_correct": "points analysed",
    "rb_min_correct_help": "Only points the network classifies correctly have a boundary to cross.",
    "rb_min_failed": "Not flipped at all: DeepFool {df}, C&W {cw} point(s) (left out of the histogram; the "
                     "cumulative curve stays below 100% by that share).",
    "rb_read_min": "- **Histogram**: one bar per range of distances; each solid/dashed vertical line marks a "
                   "method's median.\n"
                   "- **Cumulative curve**: pick a distance d on the x-axis; the height is the share of correctly "
                   "classified test points that some change of L2 length d flips. It starts at 0 and climbs to the "
                   "share the method fooled at all.\n"
                   "- Both methods only give an *upper bound* on each point's true distance: a point might flip "
                   "with an even smaller change nobody found. The curve further left is the tighter bound.",
    "rb_read_min_linf": "These are L2 distances while the curves above use L∞: an L∞ budget ε allows an L2 change of "
                        "up to ε·√{d} ≈ {sqrt:.1f}·ε in {d} dimensions, which is why small L∞ budgets already flip "
                        "points whose L2 distance looks large. Switch the norm to L2 to compare directly.",
    "rb_csv_min": "Download distances (CSV)",
    # table
    "rb_table_title": "Perturbation sizes at one ε",
    "rb_table_eps": "ε for the table",
    "rb_table_eps_help": "Also marked as a dashed line on the curves. Moving it never retrains the network.",
    "rb_budget_linf": "Budget at ε = {eps:.3g} (L∞): every feature may move by at most {eps:.3g}, so the total L2 "
                      "length can reach ε·√{d} = {l2:.3g} and all {d} features may change.",
    "rb_budget_l2": "Budget at ε = {eps:.3g} (L2): the total length of the change is at most {eps:.3g}, spread over "
                    "any of the {d} features.",
    "rb_col_attack": "attack",
    "rb_col_acc": "accuracy",
    "rb_col_acc_help": "Share of the attacked test points still classified correctly.",
    "rb_col_success": "success rate",
    "rb_col_success_help": "Of the points classified correctly before, the share the attack fooled.",
    "rb_col_linf": "mean L∞",
    "rb_col_linf_help": "Average over points of the largest change of any single feature.",
    "rb_col_l2": "mean L2",
    "rb_col_l2_help": "Average over points of the length of the change.",
    "rb_col_l0": "mean L0",
    "rb_col_l0_help": "Average number of features that changed at all (out of {d}).",
    "rb_table_caption": "L0 counts the changed features (out of {d}). Gradient-sign attacks nudge almost every "
                        "feature a little, so their L0 is close to {d}; they spread the change thin instead of "
                        "making a few big edits.",
    "rb_saturated": "**{attack} left {share:.0%} of the correctly classified points exactly where they were.** "
                    "The network is so sure about them that the loss gradient rounds to exactly 0 in 32-bit "
                    "arithmetic, so a gradient attack has no direction to follow (*gradient saturation*). That "
                    "is not robustness: random noise, or PGD's random start, moves those points, and a less "
                    "saturated loss (a margin on the logits, as in C&W) would find a direction.",
    "rb_under_budget": "**Less than the budget**: {attacks} moved up to {share:.0%} of the points by clearly less than "
                       "ε = {eps:.3g} ({norm}), which lowers the means in the table. The iterative attacks in this app "
                       "keep the first step that fools a point, so a point that flips early is not pushed any further "
                       "(this app's choice: PGD as Madry et al. define it returns its last step, which usually spends "
                       "the whole budget).",
    "rb_clip_note": "**Fewer pixels change than the budget allows** ({attack}: {l0:.0f} of {d} on average). Pixels "
                    "must stay in [0, 1]: where the attack wants to push a pixel already at 0 lower, or one "
                    "already at 1 higher, it cannot move, so the change is cut off there. About half of the pixels "
                    "of an 8×8 digit are blank background at 0.",
    # figures
    "rb_fig_accuracy": "accuracy under attack",
    "rb_fig_success": "attack success rate",
    "rb_fig_eps_axis": "ε (attack budget, {norm})",
    "rb_fig_band": "gap: {a} → {b}",
    "rb_fig_gap": "gap: {pts:.0f} percentage points<br>at ε = {eps:.2f}",
    "rb_fig_clean": "clean {acc:.0%}",
    "rb_fig_chance": "chance {acc:.0%}",
    "rb_fig_mark": "table ε = {eps:.3g}",
    "rb_fig_mark_l2": "ε = {eps:.3g}",
    "rb_fig_hover_acc": "accuracy %{y:.1%}",
    "rb_fig_hover_success": "success %{y:.1%}",
    "rb_fig_distance": "smallest L2 change that flips the point",
    "rb_fig_distance_d": "distance d (L2)",
    "rb_fig_flip": "share of points flipped within d",
    "rb_fig_with_median": "{name} (median {d:.2f})",
    "rb_fig_beyond": "{k} point(s) beyond {d:.2f}: in the last bar",
    "rb_fig_hist_hover": "distance %{x}<br>%{y} points",
    "rb_fig_flip_hover": "within d = %{x:.3f}: %{y:.0%} flipped",
}

ZH = {
    "rb_title": "鲁棒性：需要多大的扰动？",
    "rb_intro": "训练一个网络，然后用逐渐增大的预算 ε 攻击同一批测试点。准确率随各种攻击下降得有多快？每个点离决策边界有多远？再与同样预算内的随机噪声比一比。",
    "rb_data": "数据",
    "rb_dataset": "数据集",
    "rb_ds_blobs": "高斯团（3 类）",
    "rb_samples": "样本数（二维数据集）",
    "rb_network": "网络",
    "rb_layers": "隐藏层数",
    "rb_width": "第一层神经元数",
    "rb_width_help": "之后每层神经元数减半：64 个神经元、2 层就是博客中的 64-32 网络。",
    "rb_training": "训练",
    "rb_epochs": "训练轮数",
    "rb_seed": "随机种子",
    "rb_seed_help": "决定初始权重、批次顺序、随机噪声和 PGD 的随机起点。相同的种子得到相同的结果。",
    "rb_evaluation": "评估",
    "rb_points": "受攻击的测试点数",
    "rb_points_help": "每种攻击在每个 ε 下都攻击前 N 个测试点。点越少算得越快，点越多曲线越平滑。",
    "rb_points_capped": "该数据集只有 {n} 个测试点，因此全部 {n} 个都会使用（你要求的是 {want} 个）。",
    "rb_training_now": "训练中：第 {ep} / {n} 轮",
    "rb_clean_acc": "干净测试准确率",
    "rb_clean_acc_help": "未受攻击时，全部 {n} 个测试点中被正确分类的比例。",
    "rb_arch": "隐藏层",
    "rb_arch_help": "整个网络：{arch}（输入 → 隐藏层 → 输出）。只有一个输出表示二分类（单个 logit）；否则每个类别一个输出。",
    "rb_trained": "训练用时（{ep} 轮）",
    "rb_trained_value": "{ms:.0f} 毫秒",
    "rb_trained_help": "Adam 优化器，学习率 {lr:g}，每批 32 个样本。修改 ε、攻击方法或表格不会重新训练；"
                       "修改数据、网络、轮数或种子才会（每种设置只训练一次）。",
    "rb_points_used": "受攻击的测试点",
    "rb_norm_linf": "L∞",
    "rb_norm_l2": "L2",
    "rb_list_sep": "、",
    "rb_short_noise": "噪声",
    "rb_short_pgd": "PGD",
    "rb_curves_title": "预算增大时的准确率",
    "rb_settings": "攻击方法与 ε 范围",
    "rb_eps_max": "曲线上最大的 ε",
    "rb_eps_max_help": "曲线从 ε = 0 画到这个值。修改它不会重新训练网络。",
    "rb_n_eps": "ε 取值个数",
    "rb_n_eps_help": "每条曲线上的点数，在 0 到最大 ε 之间均匀分布。",
    "rb_attack_settings": "攻击设置（步数、重启次数、动量）",
    "rb_no_params": "所选攻击没有自己的设置项。",
    "rb_no_attack": "没有选择任何攻击：请至少勾选上面的一种攻击来绘制曲线。",
    "rb_eps_max_range": "最大 ε 为 {got:g}，但对于{ds}，在 {norm} 下最多只能是 {hi:g}（再大的话 ε 球就覆盖了整个数据集）。"
                        "改用 {hi:g}。",
    "rb_eps_range": "表格的 ε 为 {got:g}，超过了曲线上的最大 ε（{hi:g}）。改用 {hi:g}；想看更远，请先调大范围。",
    "rb_computing": "攻击中：{attack}，ε = {eps:.3g}（{done} / {total}）",
    "rb_show": "显示",
    "rb_show_accuracy": "受攻击后的准确率",
    "rb_show_success": "攻击成功率",
    "rb_success_caption": "成功率：在未受攻击时网络分类正确的测试点中，每种攻击让网络判错的比例。",
    "rb_band_hint": "同时勾选随机噪声和 PGD，即可用阴影显示两者之间的差距。",
    "rb_read_title": "怎么看这张图？",
    "rb_read_curves": "- 每条线代表一种攻击，攻击的是同样的 {n} 个测试点；横轴是它在 {norm} 下的预算 ε。ε = 0 时什么都没动，所以每条线都从干净准确率出发。\n"
                      "- **灰色点线：随机噪声**，预算与攻击相同。它是基线：在 ε 球内随机推一下、方向不经挑选时，有多大伤害。L2 下噪声长度恰好为 ε；L∞ 下噪声在方框内均匀抽取，所以在 d "
                      "个特征上，它的 L2 长度一般约为 ε·√(d/3)，而 FGSM 的一步是 ε·√d。\n"
                      "- 噪声与 PGD 之间的**阴影带**，就是“挑选方向”给攻击者带来的收益。\n"
                      "- 线越低，攻击越强。最低的那条线是网络在攻击下准确率的最佳估计，但它仍只是一个上界：更强的攻击可能压得更低。\n"
                      "- 低于*随机猜测*线时，攻击不只是抹掉了网络学到的东西，而是故意把点送进错误的类别。",
    "rb_csv_curves": "下载曲线（CSV）",
    "rb_shape_rebound_fgsm": "**{attack}：准确率又回升了**——从 ε = {e0:.2f} 时的 {v0:.0%} 回升到 ε = {e1:.2f} 时的 {v1:.0%}。FGSM "
                             "只沿着*干净点处*梯度所指的方向走一步，步长就是整个 "
                             "ε。小步刚好越过最近的边界；大步却会直接跳过错误类别的区域，落到网络又判对的地方——梯度只描述点附近的网络。本应用中的迭代攻击走小步，并保留第一个骗过网络的点，所以不会越过头（这是本应用的选择：Madry "
                             "等人定义的 PGD 返回的是最后一步）。（在用 FGSM 做过对抗训练的网络上也会出现类似的回升，称为*标签泄漏*：网络学会了从扰动本身读出标签。）",
    "rb_shape_rebound": "**{attack}：准确率又回升了**，在 ε = {e0:.2f}（{v0:.0%}）与 ε = {e1:.2f}（{v1:.0%}）之间。"
                        "更大的预算包含了所有更小的预算，真正的最坏情况只会更糟：回升来自攻击本身，而不是网络。"
                        "它的步长随 ε 增大，可能越过头；而且每个 ε 的随机起点都不同。增加步数通常能让曲线变平滑。",
    "rb_shape_zero": "**{attack} 在 ε = {eps:.2f} 时把准确率降到 0%**：每个测试点都被骗了，成功率为 100%。"
                     "此后曲线不可能再低，所以剩下的范围不会显示新东西。调小最大 ε 可以更细致地看清下降过程。",
    "rb_shape_noise_flat": "**随机噪声几乎不影响准确率**（ε = {eps:.2f} 时 {clean:.0%} → {noise:.0%}），而预算完全相同的 {attack} 把它压到了 "
                           "{best:.0%}。只有推动中指向边界另一侧的分量才起作用，而攻击把全部预算都用在了这个方向上。在 L2 预算下，长度为 ε、方向随机的噪声在 {d} 维中沿攻击方向的分量一般只有约 "
                           "ε/√{d} ≈ ε/{sqrt:.1f}，而且有一半的时候背离边界。在 L∞ 预算下，均匀噪声沿任何方向的分量约为 ε/√3，与维度无关，而取符号的一步能沿梯度方向走 ε 到 ε·√{d} "
                           "≈ {sqrt:.1f}·ε。即使在二维中，随机噪声越过附近平直边界的次数也至多是攻击的一半：有一半的随机推动背离边界。对抗样本的关键在于改动的*方向*，而不是大小。",
    "rb_shape_weaker": "**{attack} 最终高于 {other}**，在 ε = {eps:.2f} 处（{v:.0%} 对 {v2:.0%}）。"
                       "更复杂的攻击不一定更强：每种梯度攻击都只是在局部沿损失爬升，可能停在较差的局部极大值"
                       "（PGD 的随机起点可能落在更差的位置）。应以最低的曲线为准。增加随机重启次数通常能缩小差距（见上方攻击设置）。",
    "rb_min_title": "边界有多远？最小扰动",
    "rb_min_intro": "DeepFool 和 Carlini–Wagner 没有预算：对每个分类正确的测试点，它们寻找能改变判断的*最小*改动（L2 长度）。"
                    "左图：这些距离的分布。右图：在任意距离 d 以内被翻转的点所占的比例。",
    "rb_min_settings": "DeepFool 与 C&W 设置",
    "rb_min_computing": "正在为每个点寻找能翻转判断的最小改动（先 DeepFool，再 C&W）……",
    "rb_min_none": "网络对这些测试点全都判错了，因此没有可以翻转的点。",
    "rb_min_median": "距离中位数，{method}",
    "rb_min_median_help": "一半分类正确的点，用不超过这个 L2 长度的改动就会被翻转。",
    "rb_min_ratio": "C&W ÷ DeepFool（中位数）",
    "rb_min_ratio_help": "逐点计算 C&W 的距离除以 DeepFool 的距离，再取中位数。小于 1 表示 C&W 找到了更小的改动。"
                         "DeepFool 很快，它按网络的直线近似一路走到第一次越界；C&W 直接对距离本身做优化，"
                         "在边界弯曲的地方更占优势。",
    "rb_min_within": "L2 ≤ {eps:.3g} 内翻转（C&W）",
    "rb_min_within_help": "分类正确的点中，C&W 用不超过表格 ε 的改动就能翻转的比例：这和 L2 PGD 曲线回答的是同一个问题，只是反过来问。",
    "rb_min_correct": "分析的点数",
    "rb_min_correct_help": "只有被正确分类的点才有边界可越。",
    "rb_min_failed": "完全未能翻转：DeepFool {df} 个点，C&W {cw} 个点（未计入直方图；累积曲线会因此停在 100% 以下）。",
    "rb_read_min": "- **直方图**：每根柱子代表一段距离范围；实线/虚线竖线标出各方法的中位数。\n"
                   "- **累积曲线**：在横轴上选一个距离 d，曲线高度就是分类正确的测试点中、能被长度为 d 的 L2 改动翻转的比例。"
                   "它从 0 开始，一直升到该方法总共骗过的比例。\n"
                   "- 两种方法给出的都只是每个点真实距离的*上界*：也许存在更小、但没人找到的改动。"
                   "更靠左的曲线给出的上界更紧。",
    "rb_read_min_linf": "这里是 L2 距离，而上面的曲线用的是 L∞：在 {d} 维中，L∞ 预算 ε 允许的 L2 改动最多可达 "
                        "ε·√{d} ≈ {sqrt:.1f}·ε，所以很小的 L∞ 预算就能翻转 L2 距离看起来很大的点。把范数切换到 L2 即可直接比较。",
    "rb_csv_min": "下载距离（CSV）",
    "rb_table_title": "某个 ε 下的扰动大小",
    "rb_table_eps": "表格使用的 ε",
    "rb_table_eps_help": "它也会在曲线上显示为一条虚线。移动它不会重新训练网络。",
    "rb_budget_linf": "ε = {eps:.3g}（L∞）时的预算：每个特征最多移动 {eps:.3g}，因此总的 L2 长度最多可达 "
                      "ε·√{d} = {l2:.3g}，而且全部 {d} 个特征都可以改变。",
    "rb_budget_l2": "ε = {eps:.3g}（L2）时的预算：改动的总长度最多为 {eps:.3g}，可分布在 {d} 个特征中的任意几个上。",
    "rb_col_attack": "攻击方法",
    "rb_col_acc": "准确率",
    "rb_col_acc_help": "受攻击的测试点中仍被正确分类的比例。",
    "rb_col_success": "成功率",
    "rb_col_success_help": "原本分类正确的点中，被攻击骗过的比例。",
    "rb_col_linf": "平均 L∞",
    "rb_col_linf_help": "各点中单个特征最大改动量的平均值。",
    "rb_col_l2": "平均 L2",
    "rb_col_l2_help": "各点改动长度的平均值。",
    "rb_col_l0": "平均 L0",
    "rb_col_l0_help": "平均有多少个特征发生了改变（共 {d} 个）。",
    "rb_table_caption": "L0 统计被改动的特征个数（共 {d} 个）。梯度符号类攻击会把几乎每个特征都轻轻推一下，"
                        "所以它们的 L0 接近 {d}：它们把改动摊薄到所有特征上，而不是大改少数几个。",
    "rb_saturated": "**{attack} 让 {share:.0%} 的正确分类点原地不动**。网络对这些点极其确定，损失的梯度在 32 位浮点运算中"
                    "被舍入成了恰好 0，梯度攻击因此没有方向可循（*梯度饱和*）。这并不是鲁棒性：随机噪声或 PGD 的随机起点"
                    "都能移动这些点，而饱和程度更低的损失（例如 C&W 那样基于 logit 间隔的损失）也能找到方向。",
    "rb_under_budget": "**没有用满预算**：{attacks} 最多有 {share:.0%} 的点移动距离明显小于 ε = "
                       "{eps:.3g}（{norm}），这拉低了表中的平均值。本应用中的迭代攻击会保留第一个骗过网络的步骤，所以早早被翻转的点不会再被继续推动（这是本应用的选择：Madry 等人定义的 PGD "
                       "返回最后一步，通常会用满预算）。",
    "rb_clip_note": "**改动的像素比预算允许的少**（{attack}：平均 {d} 个中只有 {l0:.0f} 个）。像素必须保持在 [0, 1] 内："
                    "攻击想把已经是 0 的像素再降低、或把已经是 1 的像素再升高时，它们无法移动，改动在那里被截断了。"
                    "8×8 数字图像中大约一半的像素是值为 0 的空白背景。",
    "rb_fig_accuracy": "受攻击后的准确率",
    "rb_fig_success": "攻击成功率",
    "rb_fig_eps_axis": "ε（攻击预算，{norm}）",
    "rb_fig_band": "差距：{a} → {b}",
    "rb_fig_gap": "差距 {pts:.0f} 个百分点<br>ε = {eps:.2f}",
    "rb_fig_clean": "干净 {acc:.0%}",
    "rb_fig_chance": "随机猜测 {acc:.0%}",
    "rb_fig_mark": "表格 ε = {eps:.3g}",
    "rb_fig_mark_l2": "ε = {eps:.3g}",
    "rb_fig_hover_acc": "准确率 %{y:.1%}",
    "rb_fig_hover_success": "成功率 %{y:.1%}",
    "rb_fig_distance": "翻转该点所需的最小 L2 改动",
    "rb_fig_distance_d": "距离 d（L2）",
    "rb_fig_flip": "在 d 以内被翻转的点的比例",
    "rb_fig_with_median": "{name}（中位数 {d:.2f}）",
    "rb_fig_beyond": "{k} 个点超过 {d:.2f}：计入最后一根柱子",
    "rb_fig_hist_hover": "距离 %{x}<br>%{y} 个点",
    "rb_fig_flip_hover": "d = %{x:.3f} 以内：%{y:.0%} 被翻转",
}
