"""Strings of the Defenses page and its figures."""

EN = {
    "df_title": "Defenses",
    "df_intro": "Train the same network twice, once normally and once on adversarial examples made on the fly "
                "(adversarial training), and compare what each one withstands. Then see what robustness costs, "
                "and how a model can look robust without being so.",
    # sidebar
    "df_data": "Data",
    "df_dataset": "dataset",
    "df_classes": "classes",
    "df_noise": "noise",
    "df_samples": "samples",
    "df_dseed": "data seed",
    "df_network": "Network and training",
    "df_layers": "hidden layers",
    "df_width": "neurons per layer",
    "df_activation": "activation",
    "df_epochs": "epochs",
    "df_lr": "learning rate",
    "df_lr_help": "Adam's step size, the same for both models. Very large values make training blow up.",
    "df_batch": "batch size",
    "df_seed": "training seed",
    "df_seed_help": "Starting weights and batch order, shared by the standard and the adversarial model: "
                    "the only difference between them is the adversarial examples.",
    "df_charts": "Charts",
    "df_emax": "largest ε on the charts",
    "df_emax_help": "The accuracy curves run from ε = 0 to this value (further if the training or evaluation ε "
                    "is larger), and the trade-off sweep trains models at 7 training ε values up to it.",
    "df_sweep": "run the trade-off sweep",
    "df_sweep_help": "Train 7 models, one per training ε (each only once; later visits are instant).",
    # training controls
    "df_controls_intro": "**Adversarial training**: at every training step, a share of the batch (set below) is replaced "
                         "by adversarial examples against the network as it is at that moment. Madry et al. (2018) train "
                         "on adversarial examples only.",
    "df_method": "attack used in training",
    "df_method_help": "FGSM: one step of size ε (fast, Goodfellow et al. 2015). PGD: several smaller steps from a "
                      "random start (stronger; the usual choice).",
    "df_teps": "training ε",
    "df_teps_help": "How far the training attack may move each point (L∞, in standard deviations of the features; "
                    "pixel units for digits).",
    "df_ratio": "share of adversarial examples per batch",
    "df_ratio_help": "0.5: half of every batch is replaced by adversarial examples, as Kurakin et al. (2017) did on "
                     "ImageNet (Goodfellow et al. 2015 instead mix the clean and the adversarial loss of every "
                     "example, half and half). 1: only adversarial examples (Madry et al. 2018). 0: standard training.",
    "df_steps": "PGD steps in training",
    "df_steps_help": "More steps: a stronger training attack, and slower training (about one extra pass per step).",
    "df_eval_eps": "evaluation ε",
    "df_eval_eps_help": "The ε of the PGD-40 attack used to test both models (the numbers and maps below).",
    # training progress and problems
    "df_std_label": "Standard training",
    "df_adv_label_pgd": "Adversarial training (PGD-{steps}, ε = {eps}, {pct} adversarial)",
    "df_adv_label_fgsm": "Adversarial training (FGSM, ε = {eps}, {pct} adversarial)",
    "df_training_now": "{what}: epoch {ep} of {n} · training accuracy {acc:.0%}",
    "df_diverged": "Training diverged at learning rate {lr} (the loss exploded in epoch {epoch}). The models trained "
                   "before are kept and shown; pick a smaller learning rate (0.01 works well).",
    "df_sweep_now": "Trade-off sweep: model {i} of {n} (training ε = {eps})",
    "df_sweep_diverged": "The sweep stopped: training at ε = {eps} diverged in epoch {epoch}. Lower the learning rate "
                         "to run it; the models above are unaffected.",
    "df_eps_adjusted": "ε set for this data: training ε {teps}, evaluation ε {ev}, charts up to {emax} "
                       "(digits are pixels in [0, 1]; the 2-D sets are measured in standard deviations).",
    "df_same_as_standard": "With a training ε of 0 or no adversarial examples in the batch, adversarial training is "
                           "standard training: both columns show the same model.",
    # comparison
    "df_compare_title": "Standard vs adversarially trained",
    "df_m_std_clean": "standard: clean accuracy",
    "df_m_adv_clean": "adversarial: clean accuracy",
    "df_m_clean_help": "Share of test points classified correctly, without any attack.",
    "df_m_std_pgd": "standard: under PGD ε={eps}",
    "df_m_adv_pgd": "adversarial: under PGD ε={eps}",
    "df_m_pgd_help": "Share of test points still classified correctly after a PGD attack (40 steps) at the "
                     "evaluation ε: the robust accuracy.",
    "df_m_time": "training time vs standard",
    "df_m_time_help": "Adversarial training took {adv} s, standard training of the same network {std} s "
                      "(the training loops on this server, measured when each model was trained).",
    "df_map_std": "Standard training",
    "df_map_caption": "Hollow markers: the test points. Each is attacked with PGD at ε = {eps}; where the attack "
                      "wins, an arrow runs to the adversarial copy, marked with a red ×. Adversarial training moves "
                      "the boundary away from the points, so fewer arrows reach the other side.",
    "df_no_map": "Decision maps need two features; this dataset has {d}. The curves below tell the same story.",
    "df_curve_title": "Accuracy under PGD as the attack grows",
    "df_curve_explain": "**How to read it.** At ε = 0 both curves start at the clean accuracy. As the attacker's "
                        "budget grows, the standard model falls fast; the adversarially trained one holds up "
                        "around the ε it was trained for, and falls beyond it. No model survives a large enough ε: "
                        "at some point the attack can simply move a point into the other class.",
    "df_csv_curves": "Download curves (CSV)",
    # trade-off
    "df_tradeoff_title": "The price of robustness",
    "df_tradeoff_intro": "One model per training ε, all else equal. Each is scored twice: on clean test points and "
                         "under PGD at the evaluation ε.",
    "df_sweep_off": "The sweep is off. Turn on “run the trade-off sweep” in the sidebar to train the 7 models.",
    "df_tradeoff_read": "**Reading the chart.** Clean accuracy goes from **{clean0}** (standard training) to "
                        "**{clean1}** at training ε = {emax}. Robust accuracy at ε = {ev} goes from **{rob0}** to "
                        "a best of **{robbest}** (training ε = {ebest}).\n\n"
                        "Training on a bigger ε buys robustness with clean accuracy: the network must keep every "
                        "point's whole ε-box on the right side, which leaves less room to fit the data. Too large "
                        "an ε and the boxes of the two classes overlap: both accuracies drop.",
    "df_csv_tradeoff": "Download trade-off sweep (CSV)",
    # gradient masking
    "df_mask_title": "Reported vs real robustness: gradient masking",
    "df_mask_intro": "Take the **standard** model and multiply its output logits by a factor s, the *logit scale*. No "
                     "prediction changes (a positive factor keeps every sign and every ranking), so its real "
                     "robustness cannot change either. Now attack it. (Multiplying the logits by s is a softmax at "
                     "temperature 1/s. Defensive distillation ends up the same way: a network trained at a high "
                     "temperature T and then run at T = 1 has logits about T times too large.)",
    "df_temp": "logit scale s (logits × s)",
    "df_temp_help": "1 is the standard model. From about 1,000 on, the sigmoid/softmax saturates in float32 and the "
                    "loss gradient becomes exactly zero.",
    "df_source": "transferred examples come from",
    "df_source_same": "the same network before scaling",
    "df_source_other": "a standard network with another seed",
    "df_source_help": "The transfer attack runs PGD on an ordinary model and shows the result to the scaled one. "
                      "Another seed means the attacker never saw the weights.",
    "df_source_training": "Training the attacker's own standard network",
    "df_m_mask_fgsm": "FGSM reports (ε={eps})",
    "df_m_mask_fgsm_help": "Accuracy of the scaled model under FGSM computed on its own gradients.",
    "df_m_mask_pgd": "PGD reports (ε={eps})",
    "df_m_mask_pgd_help": "Accuracy under PGD-40 on its own gradients (random start, then gradient steps).",
    "df_m_mask_transfer": "transfer shows (ε={eps})",
    "df_m_mask_transfer_help": "Accuracy on PGD examples made on an ordinary model: an attack that does not need this model's "
                               "gradients. Like every attack it gives an upper bound: the real robust accuracy is at most this.",
    "df_m_zero_grad": "points with zero gradient",
    "df_m_zero_grad_help": "Share of test points where the scaled model's loss gradient is exactly 0 in every "
                           "feature: the gradient attacks have no direction to follow there.",
    "df_mask_lie": "**Why the first number is a lie.** With s = {t} the loss gradient is exactly 0 at {z} of the "
                   "test points, so FGSM's update direction sign(0) = 0 does not move them and PGD reduces to its "
                   "random start: at ε = {ev} FGSM *reports* {f} accuracy and PGD {p}. Nothing about the decision "
                   "boundary changed, and examples made on an ordinary model fool it as before: the real accuracy "
                   "is at most **{tr}** (the transfer attack is an attack too, so its number is an upper bound).\n"
                   "\n"
                   "Red flags of gradient masking (Athalye et al. 2018): a one-step attack does better than an "
                   "iterative one, accuracy does not fall to zero as ε grows, and transferred (black-box) attacks "
                   "beat white-box ones.",
    "df_mask_low_temp": "With s = {t} the gradients still carry information: the gradient attacks work and the three "
                        "curves stay close. Raise s to 1,000 or more to watch the attacks go blind.",
    "df_mask_no_gap": "At ε = {ev} the curves are close; move the evaluation ε up to see them part.",
    "df_mask_refs": "Athalye, Carlini & Wagner, “Obfuscated Gradients Give a False Sense of Security”, ICML 2018; "
                    "Carlini & Wagner, “Defensive Distillation is Not Robust to Adversarial Examples”, 2016.",
    "df_csv_masking": "Download these curves (CSV)",
    "df_try_title": "Things to try",
    "df_try": "- Set the **share of adversarial examples** to 0: the two models become one.\n"
              "- Raise **training ε** to 0.6: robust accuracy rises, clean accuracy pays for it.\n"
              "- Switch the training attack to **FGSM**: faster, and on these small sets nearly as good.\n"
              "- Choose **digits** with the largest ε at 0.3: adversarial training changes the picture most in "
              "64 dimensions.\n"
              "- Set the **logit scale** to 1: the three robustness curves meet.",
    # figures
    "df_fig_standard": "standard training",
    "df_fig_robust": "adversarial training",
    "df_fig_train_eps_mark": "training ε",
    "df_fig_eval_eps_mark": "evaluation ε",
    "df_fig_current_mark": "model above",
    "df_fig_clean": "clean accuracy",
    "df_fig_robust_at": "accuracy under PGD, ε = {eps}",
    "df_fig_train_eps": "training ε (size of the adversarial examples trained on)",
    "df_fig_tradeoff_hover": "{what}<br>training ε = %{{x:.3g}}<br>%{{y:.1%}}",
    "df_fig_mask_fgsm": "FGSM on the scaled model (reported)",
    "df_fig_mask_pgd": "PGD on the scaled model (reported)",
    "df_fig_mask_transfer": "PGD transferred from a standard model (upper bound on the real accuracy)",
}

ZH = {
    "df_title": "防御",
    "df_intro": "把同一个网络训练两次：一次正常训练，一次在即时生成的对抗样本上训练（对抗训练），然后比较两者各自能抵御什么。"
                "接着看看鲁棒性要付出什么代价，以及一个模型如何看起来鲁棒、实际上却并不鲁棒。",
    "df_data": "数据",
    "df_dataset": "数据集",
    "df_classes": "类别数",
    "df_noise": "噪声",
    "df_samples": "样本数",
    "df_dseed": "数据随机种子",
    "df_network": "网络与训练",
    "df_layers": "隐藏层数",
    "df_width": "每层神经元数",
    "df_activation": "激活函数",
    "df_epochs": "训练轮数",
    "df_lr": "学习率",
    "df_lr_help": "Adam 的步长，两个模型相同。过大的值会让训练发散。",
    "df_batch": "批大小",
    "df_seed": "训练随机种子",
    "df_seed_help": "初始权重和批次顺序，标准模型与对抗模型共用：两者唯一的区别就是对抗样本。",
    "df_charts": "图表",
    "df_emax": "图表中最大的 ε",
    "df_emax_help": "准确率曲线从 ε = 0 画到这个值（如果训练 ε 或评估 ε 更大，就画到它们）；权衡扫描在 0 到这个值之间取 7 个训练 ε，各训练一个模型。",
    "df_sweep": "运行权衡扫描",
    "df_sweep_help": "训练 7 个模型，每个训练 ε 一个（每个只训练一次，之后再访问立即显示）。",
    "df_controls_intro": "**对抗训练**：每一步训练时，把批次中的一部分（比例在下面设置）替换为针对网络当前状态生成的对抗样本。Madry 等（2018）只在对抗样本上训练。",
    "df_method": "训练中使用的攻击",
    "df_method_help": "FGSM：一步走满 ε（快速，Goodfellow 等，2015）。PGD：从随机起点出发走多个小步（更强，通常的选择）。",
    "df_teps": "训练 ε",
    "df_teps_help": "训练时的攻击最多能把每个点移动多远（L∞，以特征的标准差为单位；手写数字为像素值单位）。",
    "df_ratio": "每批中对抗样本的比例",
    "df_ratio_help": "0.5：每批中一半替换为对抗样本，和 Kurakin 等（2017）在 ImageNet 上的做法一样（Goodfellow 等 2015 "
                     "则是对每个样本把干净损失和对抗损失各取一半相加）。1：只用对抗样本（Madry 等，2018）。0：标准训练。",
    "df_steps": "训练中的 PGD 步数",
    "df_steps_help": "步数越多，训练时的攻击越强，训练也越慢（每一步大约多一次前向和反向计算）。",
    "df_eval_eps": "评估 ε",
    "df_eval_eps_help": "用来测试两个模型的 PGD-40 攻击的 ε（下面的数字和图都用它）。",
    "df_std_label": "标准训练",
    "df_adv_label_pgd": "对抗训练（PGD-{steps}，ε = {eps}，{pct} 为对抗样本）",
    "df_adv_label_fgsm": "对抗训练（FGSM，ε = {eps}，{pct} 为对抗样本）",
    "df_training_now": "{what}：第 {ep} / {n} 轮 · 训练准确率 {acc:.0%}",
    "df_diverged": "学习率 {lr} 下训练发散（第 {epoch} 轮损失爆炸）。之前训练好的模型仍然保留并显示；请选择更小的学习率（0.01 效果很好）。",
    "df_sweep_now": "权衡扫描：第 {i} / {n} 个模型（训练 ε = {eps}）",
    "df_sweep_diverged": "扫描已停止：训练 ε = {eps} 时在第 {epoch} 轮发散。降低学习率即可运行；上面的模型不受影响。",
    "df_eps_adjusted": "已按这份数据设置 ε：训练 ε {teps}，评估 ε {ev}，图表最大到 {emax}"
                       "（手写数字是 [0, 1] 内的像素值；二维数据集以标准差为单位）。",
    "df_same_as_standard": "训练 ε 为 0 或批次中没有对抗样本时，对抗训练就是标准训练：两栏显示的是同一个模型。",
    "df_compare_title": "标准训练与对抗训练对比",
    "df_m_std_clean": "标准模型：干净准确率",
    "df_m_adv_clean": "对抗训练：干净准确率",
    "df_m_clean_help": "不加任何攻击时被正确分类的测试点比例。",
    "df_m_std_pgd": "标准模型：PGD ε={eps} 下",
    "df_m_adv_pgd": "对抗训练：PGD ε={eps} 下",
    "df_m_pgd_help": "在评估 ε 下经过 PGD 攻击（40 步）后仍被正确分类的测试点比例，即鲁棒准确率。",
    "df_m_time": "训练用时（相对标准训练）",
    "df_m_time_help": "对抗训练用了 {adv} 秒，同一网络的标准训练用了 {std} 秒（本服务器上训练循环的用时，在各模型训练时测得）。",
    "df_map_std": "标准训练",
    "df_map_caption": "空心标记是测试点。每个点都受到 ε = {eps} 的 PGD 攻击；攻击成功时，箭头指向它的对抗副本，"
                      "用红色 × 标出。对抗训练把决策边界推离数据点，所以越过边界的箭头更少。",
    "df_no_map": "决策图需要两个特征；这个数据集有 {d} 个。下面的曲线讲的是同一个故事。",
    "df_curve_title": "攻击增强时 PGD 下的准确率",
    "df_curve_explain": "**怎么看这张图。** 在 ε = 0 处，两条曲线都从干净准确率出发。随着攻击预算增大，标准模型下降得很快；"
                        "对抗训练的模型在它训练时所用的 ε 附近能够坚持住，超过之后也会下降。没有模型能扛住足够大的 ε："
                        "到了某个程度，攻击可以直接把点移进另一个类别。",
    "df_csv_curves": "下载曲线（CSV）",
    "df_tradeoff_title": "鲁棒性的代价",
    "df_tradeoff_intro": "每个训练 ε 训练一个模型，其余设置完全相同。每个模型评估两次：在干净测试点上，以及在评估 ε 的 PGD 攻击下。",
    "df_sweep_off": "扫描已关闭。在侧边栏打开“运行权衡扫描”即可训练这 7 个模型。",
    "df_tradeoff_read": "**读图。** 干净准确率从 **{clean0}**（标准训练）降到训练 ε = {emax} 时的 **{clean1}**。"
                        "ε = {ev} 下的鲁棒准确率从 **{rob0}** 升到最高 **{robbest}**（训练 ε = {ebest}）。\n\n"
                        "用更大的 ε 训练，是用干净准确率换取鲁棒性：网络必须让每个点周围整个 ε 方框都落在正确的一侧，"
                        "拟合数据的余地就变小了。ε 太大时，两类点的方框互相重叠，两种准确率都会下降。",
    "df_csv_tradeoff": "下载权衡扫描结果（CSV）",
    "df_mask_title": "报告的鲁棒性与真实的鲁棒性：梯度掩蔽",
    "df_mask_intro": "取**标准**模型，把它输出的 logits 乘以一个系数 s，即 *logit "
                     "缩放系数*。没有任何预测会改变（正的系数不改变符号，也不改变排序），所以它真实的鲁棒性也不可能改变。现在来攻击它。（把 logits 乘以 s，相当于温度为 1/s 的 "
                     "softmax。防御性蒸馏最后也是这样：在高温 T 下训练、再在 T = 1 下运行的网络，其 logits 大约被放大了 T 倍。）",
    "df_temp": "logit 缩放系数 s（logits × s）",
    "df_temp_help": "1 就是标准模型。大约从 1,000 起，float32 中的 sigmoid/softmax 饱和，损失的梯度恰好变成零。",
    "df_source": "迁移样本来自",
    "df_source_same": "缩放之前的同一个网络",
    "df_source_other": "另一个随机种子训练的标准网络",
    "df_source_help": "迁移攻击在一个普通模型上运行 PGD，再把结果交给缩放后的模型。换一个随机种子意味着攻击者从未见过这些权重。",
    "df_source_training": "正在训练攻击者自己的标准网络",
    "df_m_mask_fgsm": "FGSM 报告（ε={eps}）",
    "df_m_mask_fgsm_help": "缩放后的模型在用它自己的梯度计算的 FGSM 攻击下的准确率。",
    "df_m_mask_pgd": "PGD 报告（ε={eps}）",
    "df_m_mask_pgd_help": "在用它自己的梯度计算的 PGD-40 攻击（随机起点，然后沿梯度走）下的准确率。",
    "df_m_mask_transfer": "迁移攻击显示（ε={eps}）",
    "df_m_mask_transfer_help": "在普通模型上生成的 PGD 样本上的准确率：这种攻击不需要这个模型的梯度。和任何攻击一样，它给出的是上界：真实的鲁棒准确率至多为这个值。",
    "df_m_zero_grad": "梯度为零的点",
    "df_m_zero_grad_help": "缩放后模型的损失梯度在所有特征上都恰好为 0 的测试点比例：梯度攻击在这些点上无方向可循。",
    "df_mask_lie": "**为什么第一个数字是假的。** 当 s = {t} 时，{z} 的测试点上损失梯度恰好为 0，于是 FGSM 的更新方向 sign(0) = 0 根本不移动它们，PGD "
                   "只剩下它的随机起点：在 ε = {ev} 下，FGSM *报告*的准确率是 {f}，PGD 是 {p}。决策边界没有任何变化，在普通模型上生成的样本照样能骗过它：真实的准确率至多为 "
                   "**{tr}**（迁移攻击也是一种攻击，所以它的数字是上界）。\n"
                   "\n"
                   "梯度掩蔽的危险信号（Athalye 等，2018）：一步攻击比迭代攻击效果更好；ε 增大时准确率不降到零；迁移（黑盒）攻击比白盒攻击更有效。",
    "df_mask_low_temp": "s = {t} 时梯度仍然有信息：梯度攻击有效，三条曲线相互接近。把 s 调到 1,000 或更高，就能看到攻击“失明”。",
    "df_mask_no_gap": "在 ε = {ev} 处几条曲线很接近；调大评估 ε，就能看到它们分开。",
    "df_mask_refs": "Athalye、Carlini 与 Wagner，《Obfuscated Gradients Give a False Sense of Security》，ICML 2018；"
                    "Carlini 与 Wagner，《Defensive Distillation is Not Robust to Adversarial Examples》，2016。",
    "df_csv_masking": "下载这些曲线（CSV）",
    "df_try_title": "可以试试",
    "df_try": "- 把**每批中对抗样本的比例**设为 0：两个模型合而为一。\n"
              "- 把**训练 ε** 调到 0.6：鲁棒准确率上升，代价是干净准确率。\n"
              "- 把训练中的攻击换成 **FGSM**：更快，而且在这些小数据集上几乎一样好。\n"
              "- 选择**手写数字**，并把最大 ε 设为 0.3：在 64 维中，对抗训练带来的变化最大。\n"
              "- 把 **logit 缩放系数**设为 1：三条鲁棒性曲线重合。",
    "df_fig_standard": "标准训练",
    "df_fig_robust": "对抗训练",
    "df_fig_train_eps_mark": "训练 ε",
    "df_fig_eval_eps_mark": "评估 ε",
    "df_fig_current_mark": "上方的模型",
    "df_fig_clean": "干净准确率",
    "df_fig_robust_at": "PGD 下的准确率，ε = {eps}",
    "df_fig_train_eps": "训练 ε（训练所用对抗样本的大小）",
    "df_fig_tradeoff_hover": "{what}<br>训练 ε = %{{x:.3g}}<br>%{{y:.1%}}",
    "df_fig_mask_fgsm": "缩放模型上的 FGSM（报告值）",
    "df_fig_mask_pgd": "缩放模型上的 PGD（报告值）",
    "df_fig_mask_transfer": "从标准模型迁移的 PGD（真实准确率的上界）",
}
