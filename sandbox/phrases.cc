#include "sandbox/phrases.h"

#include <cmath>
#include <stdexcept>

namespace yuqing::sandbox {

size_t Rng::weighted(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = unit() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

int Rng::poisson(double mean) {
  if (mean <= 0) return 0;
  // exp(-mean) underflows past ~745, where the product loop below stops near 745 whatever the mean:
  // a large mean is drawn as a sum of Poissons of at most 500 (small means draw as before).
  if (mean > 500) return poisson(500) + poisson(mean - 500);
  const double limit = std::exp(-mean);
  int k = 0;
  for (double p = unit(); p > limit; p *= unit()) ++k;
  return k;
}

const std::vector<IssueBank>& issue_banks() {
  static const std::vector<IssueBank> banks = {
      {"房地产市场监管", "城乡建设", "商品房交房", "区住房城乡建设局",
       {"商品房预售资金监管", "房产中介经营行为", "楼盘交房验收", "商品房网签备案"},
       {"开发商一再推迟交房，业主每月还着房贷却住不进去", "房产中介虚假宣传学区，签约后才知道不对口", "楼盘烂尾两年了，工地上一个工人都没有",
        "交房时发现墙面开裂、渗水，开发商推诿不修"},
       {"商品房网签备案需要哪些材料", "预售资金监管账户怎么查询", "开发商逾期交房可以向哪个部门投诉"},
       {"加强对房产中介的日常检查", "定期公开在售楼盘的预售许可信息", "对逾期交房的开发商公开约谈"},
       {"住建局现场督办后开发商按期交房", "网签备案当天就办好了，效率很高", "中介乱象整治后看房省心多了"}},
      {"减税降费", "经济管理", "减税降费政策", "区税务局",
       {"增值税留抵退税", "小微企业减税", "个税专项附加扣除", "社保费缓缴"},
       {"留抵退税申请提交一个多月还没到账", "说好的减税降费，到了基层又多出各种收费", "个税退税被退回，打了好几次电话都没人解释"},
       {"小规模纳税人今年的减税政策是什么", "留抵退税需要准备哪些资料", "个税专项附加扣除怎么填报"},
       {"把减税降费政策做成一张明白纸发给纳税人", "在办税大厅设置退税专窗", "对小微企业开展上门辅导"},
       {"退税款三天就到账，给企业解了燃眉之急", "税务局工作人员上门讲解减税政策，很贴心", "缴费人咨询的问题当场就答复了"}},
      {"乡村振兴与涉农补贴", "农村农业", "涉农补贴发放", "区农业农村局",
       {"耕地地力保护补贴", "种粮补贴", "农机购置补贴", "惠农资金一卡通"},
       {"耕地地力保护补贴到现在还没发到农户手里", "村里公示的种粮补贴面积和实际不符", "农机购置补贴申请半年了没有消息",
        "补贴款被村委会扣下抵了其他费用"},
       {"今年的种粮补贴什么时候发放", "耕地地力保护补贴的标准是每亩多少钱", "农机购置补贴在哪里申请"},
       {"把涉农补贴的发放名单在村务公开栏公示", "补贴款直接打到农户的一卡通里", "开通涉农补贴的线上查询渠道"},
       {"种粮补贴按时足额发到卡上，农户很满意", "乡村振兴项目让村里修了新路", "农机补贴办得快，春耕没耽误"}},
      {"营商环境与政务服务", "党务政务", "政务服务“一件事”改革", "区审批服务局",
       {"“一件事一次办”", "企业开办一网通办", "不动产登记", "便民服务中心窗口"},
       {"办事大厅窗口少、排队两个小时", "同一份证明材料要交好几次，来回跑腿", "网上办理系统总是卡顿，提交不了"},
       {"新生儿出生“一件事”需要准备什么材料", "企业开办一网通办在哪个网站办理", "不动产登记能不能周末办理"},
       {"延长便民服务中心的周末服务时间", "在镇街便民服务中心增设自助终端", "把更多事项纳入“一件事一次办”"},
       {"“一件事一次办”真方便，一个窗口全办好", "营业执照当天就拿到了，效率太高了", "工作人员全程帮办代办，少跑了好几趟",
        "不动产登记一小时办结，给审批服务局点赞"}},
      {"市场监管", "商贸旅游", "食品安全监管", "区市场监管局",
       {"农贸市场食品安全", "校园周边小卖部", "电动车质量抽检", "计量器具检定"},
       {"农贸市场有商户缺斤短两，消费者投诉没人管", "超市卖过期食品，投诉后只是下架了事", "校门口小卖部卖三无食品"},
       {"发现假冒伪劣商品应该向哪里举报", "食品安全抽检结果在哪里公布", "缺斤短两怎么维权"},
       {"在农贸市场设置公平秤", "加大对校园周边食品安全的检查", "定期公布双随机抽查结果"},
       {"市场监管局接到投诉后第二天就来查处了", "农贸市场整治后干净整洁了", "公平秤很实用，买菜放心"}},
      {"收费目录", "经济管理", "物业和停车收费", "区发展改革局",
       {"行政事业性收费目录", "物业费收费标准", "小区停车费", "供热收费标准"},
       {"物业公司擅自上调物业费，业主不同意也照收", "医院停车费太高，一次就要二十元", "学校乱收费，资料费一交就是几百元"},
       {"物业费收费标准由哪个部门核定", "行政事业性收费目录在哪里查询", "小区停车费涨价需要听证吗"},
       {"公开小区物业费的收支明细", "规范医院周边停车收费", "及时更新收费目录清单"},
       {"发改局核查后物业费恢复原标准，业主们都很满意", "收费目录清单一目了然，很方便"}},
      {"疫情防控", "卫生计生", "疫情防控", "区卫生健康局",
       {"核酸检测点", "疫苗接种", "重点场所防控", "发热门诊"},
       {"核酸检测点排队太长，老人站不住", "隔离期间的生活物资送不到位", "健康码转码迟迟没处理"},
       {"外地返回需要做核酸吗", "第二剂加强针在哪里接种", "健康码变黄了怎么申诉"},
       {"在小区增设核酸检测点", "为老年人提供上门接种服务", "及时发布权威的防控信息"},
       {"医护人员冒雨坚守核酸检测点，辛苦了", "疫苗接种点安排得井井有条", "社区志愿者给隔离户送菜，很暖心"}},
      {"老旧小区与棚户区改造", "城乡建设", "老旧小区改造", "区住房城乡建设局",
       {"外墙保温", "雨污管网改造", "加装电梯", "楼道照明和屋面防水"},
       {"老旧小区改造停工一个多月，工地上没人", "改造工期一拖再拖，路面挖开了一直没人管", "雨污管网改造后下雨还是积水",
        "施工围挡占了半条路，老人出行很不方便", "外墙保温做了一半就停工了，材料堆在楼下"},
       {"我们小区在不在今年的老旧小区改造名单里", "加装电梯的补贴怎么申请", "改造什么时候能完工"},
       {"改造前多征求居民意见", "公开改造项目的工期和施工单位", "施工期间做好围挡和夜间照明"},
       {"改造后的小区焕然一新，住着舒心", "加装电梯终于完工了，老人上下楼方便多了", "雨污管网改造后再也不积水了"}},
      {"保障性住房", "城乡建设", "保障性住房", "区住房城乡建设局",
       {"公租房配租", "保障性租赁住房", "棚改安置房", "住房分配"},
       {"公租房申请一年多了还在排队", "安置房分配不公开，有人托关系插队", "保障房小区维修没人管"},
       {"公租房的申请条件是什么", "保障性租赁住房的租金标准是多少", "安置房什么时候交付"},
       {"公开公租房轮候名单", "简化保障房申请流程", "加强保障房小区物业管理"},
       {"公租房分配全程公开，很公平", "安置房按期交付，住上了新房"}},
      {"教育", "教育文体", "义务教育招生", "区教育和体育局",
       {"学区划分", "幼儿园招生", "课后服务", "校车接送"},
       {"学区划分调整后孩子要跨好几条街上学", "幼儿园学位紧张，报名报不上", "课后服务收费不透明", "校车超载，家长很担心"},
       {"今年小学入学报名需要哪些材料", "学区划分什么时候公布", "课后服务怎么报名"},
       {"提前公布学区划分方案", "增加公办幼儿园学位", "规范课后服务收费"},
       {"课后服务解决了双职工家庭的大难题", "新学校建成了，孩子上学近多了", "入学报名线上办理，很方便"}},
      {"就业创业", "劳动和社会保障", "就业创业扶持", "区人力资源社会保障局",
       {"创业担保贷款", "职业技能培训", "农民工工资支付", "公益性岗位"},
       {"工地拖欠农民工工资半年了", "创业担保贷款申请材料交了三次还没批", "技能培训走过场，签个到就算"},
       {"创业担保贷款的额度是多少", "失业登记在哪里办理", "技能培训有没有补贴"},
       {"多组织招聘会进镇街", "简化创业担保贷款手续", "公开欠薪举报电话"},
       {"人社局帮我们追回了拖欠的工资", "招聘会岗位多，当场就签了合同", "创业担保贷款很快就批下来了"}},
      {"社会保险", "劳动和社会保障", "社会保险", "区医保局",
       {"城乡居民医疗保险", "养老保险缴费", "医保报销", "社保卡办理"},
       {"医保报销跑了好几趟还没办完", "社保卡补办要等一个月", "养老保险缴费年限算错了"},
       {"城乡居民医保怎么缴费", "异地就医备案怎么办理", "养老保险可以补缴吗"},
       {"开通医保报销的线上渠道", "在镇街增设社保卡即时制卡点", "把参保缴费提醒发到手机上"},
       {"医保报销一站式结算，出院就结清了", "社保卡当场就拿到了", "工作人员耐心讲解参保政策，很满意"}},
      {"养老服务", "民政", "居家养老服务", "区民政局",
       {"日间照料中心", "老年助餐点", "高龄补贴", "养老院"},
       {"高龄补贴停发了三个月没人解释", "日间照料中心建好了一直不开门", "养老院护工太少，老人没人照顾"},
       {"高龄补贴怎么申请", "老年助餐点在哪里", "居家养老服务包括哪些内容"},
       {"在社区多设老年助餐点", "日间照料中心延长开放时间", "为独居老人安装紧急呼叫设备"},
       {"老年助餐点饭菜可口，价格实惠", "日间照料中心的服务很周到", "高龄补贴按月发放，很及时"}},
      {"社会救助", "民政", "低保和临时救助", "区民政局",
       {"低保审核", "临时救助", "特困人员供养", "残疾人两项补贴"},
       {"家里困难申请低保被拒，也没有说明理由", "临时救助金申请两个月还没发", "低保名单里有人开着好车"},
       {"低保的申请条件是什么", "临时救助怎么申请", "残疾人两项补贴的标准是多少"},
       {"公开低保审核结果", "简化临时救助审批程序", "对困难群众开展入户走访"},
       {"民政局很快办好了临时救助，解了燃眉之急", "社工定期上门看望困难老人，很感动"}},
      {"公共企事业单位", "城乡建设", "供水供暖", "区城乡水务局",
       {"自来水供应", "冬季供暖", "燃气管道", "公交线路"},
       {"小区停水三天没有任何通知", "暖气不热，室温只有十几度", "公交车班次太少，等一个小时", "污水直排河道，臭味很大"},
       {"停水什么时候恢复", "供暖费怎么缴纳", "新开的公交线路经过哪些站"},
       {"停水停电提前发布通知", "增加早晚高峰的公交班次", "加快燃气管道入户"},
       {"抢修人员连夜修好了水管，点赞", "今年暖气烧得很好", "新开的公交线路方便了村民进城"}},
      {"重大行政决策", "党务政务", "重大行政决策", "区司法局",
       {"决策草案公开征求意见", "重大项目听证会", "规划方案公示"},
       {"征求意见只有七天，很多人根本不知道", "规划方案公示的内容太简略"},
       {"决策草案在哪里提意见", "听证会怎么报名参加"},
       {"延长重大决策的公开征求意见时间", "公布公众意见的采纳情况"},
       {"听证会上大家畅所欲言，意见被采纳了", "政府公开了意见采纳情况，很透明"}},
      {"政策解读与咨询", "党务政务", "政策解读", "区政府办公室",
       {"政策解读", "政策咨询电话", "规范性文件", "政策问答"},
       {"政策文件出台了却没有解读，看不懂", "咨询电话一直打不通"},
       {"这个政策的适用对象是哪些人", "文件里的补贴标准怎么理解"},
       {"用图解和短视频解读政策", "公布各部门的政策咨询电话"},
       {"政策解读通俗易懂，一看就明白", "咨询电话很快接通，解答很清楚"}},
      {"政民互动留言", "党务政务", "留言办理", "区政府办公室",
       {"领导留言板", "12345热线", "建议提案办理"},
       {"留言一个月没有答复", "12345热线转来转去，问题还是没解决"},
       {"留言多久能得到答复", "12345热线的办理结果在哪里查"},
       {"公开留言办理的时限", "对超期未答复的留言进行督办"},
       {"留言第二天就有工作人员联系我了", "12345热线办理很快，问题解决了"}},
      {"依申请公开", "党务政务", "政府信息公开申请", "区政府办公室",
       {"依申请公开", "政府信息公开申请", "行政复议"},
       {"提交的信息公开申请超期未答复", "政府信息公开申请被以各种理由拒绝"},
       {"政府信息公开申请怎么提交", "依申请公开的答复期限是多久"},
       {"开通政府信息公开申请的网上渠道", "公开依申请公开的办理情况"},
       {"信息公开申请按期答复，内容详实"}},
  };
  return banks;
}

const std::vector<PlaceBank>& place_banks() {
  static const std::vector<PlaceBank> banks = {
      {"运河街道", {"华兴路社区", "金光路社区", "箭道街社区", "古城社区", "运河花园小区", "税务局家属院"}},
      {"邳庄镇", {"邳庄村", "后楼村", "邳庄镇政府驻地", "新河社区"}},
      {"张山子镇", {"张山子村", "侯孟村", "张山子镇集市", "西良村"}},
      {"泥沟镇", {"泥沟村", "泥沟镇中心社区", "东顿庄村", "泥沟集"}},
      {"涧头集镇", {"涧头集村", "甘沟村", "涧头集镇中学", "前林村"}},
      {"马兰屯镇", {"马兰屯村", "马兰屯镇中心社区", "刘庄村", "东马兰村"}},
  };
  return banks;
}

std::vector<std::string> issue_names() {
  std::vector<std::string> out;
  for (const auto& b : issue_banks()) out.push_back(b.name);
  return out;
}

std::vector<std::string> place_names() {
  std::vector<std::string> out;
  for (const auto& b : place_banks()) out.push_back(b.name);
  return out;
}

const IssueBank& issue_bank(const std::string& name) {
  for (const auto& b : issue_banks())
    if (b.name == name) return b;
  throw std::out_of_range("no phrase bank for issue " + name);
}

const PlaceBank& place_bank(const std::string& name) {
  for (const auto& b : place_banks())
    if (b.name == name) return b;
  throw std::out_of_range("no phrase bank for place " + name);
}

namespace {

using Patterns = std::vector<std::string>;

const Patterns kNewsTitle = {"{place}扎实推进{subject}工作", "{dept}召开{subject}专题推进会", "{place}{thing}工作取得阶段性成效",
                             "聚焦{thing}：{place}这样做", "{place}多措并举抓好{subject}", "{dept}部署{thing}相关工作"};
const Patterns kComplaintTitle = {"{place}{spot}居民反映：{problem}", "记者调查：{spot}{subject}为何进展缓慢",
                                  "{spot}群众急盼{thing}问题早日解决"};
const Patterns kPraiseTitle = {"{place}{thing}获群众点赞", "{subject}跑出加速度 {spot}居民称赞", "暖心！{place}{thing}办到群众心坎上"};
const Patterns kInquiryTitle = {"记者帮你问：{question}？", "{subject}热点问答：{question}？"};
const Patterns kSuggestionTitle = {"代表委员建议：{wish}", "群众来信：{wish}"};

const Patterns kNewsOpening = {"近日，{place}召开{subject}工作推进会，{dept}有关负责人出席会议并讲话。",
                               "记者从{dept}获悉，{place}{thing}工作正在有序推进。",
                               "为进一步做好{subject}工作，{place}近期组织开展了专项行动。"};
const Patterns kNewsBody = {"会议指出，要聚焦{thing}等重点任务，压实责任、挂图作战，确保按期完成年度目标。",
                            "截至目前，{place}已完成{thing}项目{n}个，惠及群众{m}户。",
                            "{dept}将{thing}纳入重点工作清单，实行周调度、月通报。",
                            "在{spot}，工作人员正在逐户走访，听取群众对{thing}的意见建议。",
                            "下一步，{place}将持续推进{subject}，及时公开进展情况，主动接受社会监督。"};
const Patterns kComplaintBody = {"{spot}的{多名|几位|不少}居民{向本报反映|致电本报|向记者反映}，{problem}。", "“{problem}，我们找了{好几次|很多次|几趟}也没有结果。”一位{居民|住户|老人}说。",
                                 "记者在{spot}看到，{thing}现场冷冷清清，不少群众对此不满。",
                                 "对此，{dept}相关负责人表示，将尽快{核实情况|调查核实|了解情况}，督促有关单位整改。"};
const Patterns kPraiseBody = {"“{good}。”在{spot}，一位{居民|市民|老人}这样告诉记者。", "据了解，{place}围绕{thing}推出了{一系列|多项|一批}便民举措。",
                              "不少群众表示，{good}，希望这样的好做法能够坚持下去。"};
const Patterns kInquiryBody = {"近期，不少读者来电询问：{question}？", "记者就此咨询了{dept}。工作人员介绍，具体以{dept}发布的通知为准，群众也可拨打咨询电话了解。",
                               "{dept}提醒，{thing}相关事项可在便民服务中心窗口咨询办理。"};

const Patterns kMessageComplaint = {"{尊敬的领导|领导}{：|，}您好！我是{place}{spot}的{居民|住户|群众}，{problem}。", "{problem}，我们{多次|好几次|前后几次}向有关部门反映，至今没有解决。",
                                    "这个问题已经严重影响了{群众|大家|我们}的正常生活，希望领导{高度重视|重视一下}，尽快督促解决！",
                                    "恳请有关部门到{spot}实地看一看，给{老百姓|我们}一个说法。"};
const Patterns kMessageInquiry = {"{您好|领导您好|你好}！我是{place}{spot}的{群众|居民|村民}，想{咨询一下|问一下|了解一下}：{question}？", "{在网上|在政府网站上}没有查到相关的规定，{打电话|去窗口问}也没问清楚。",
                                  "{麻烦|请}相关部门给予答复，谢谢！"};
const Patterns kMessageSuggestion = {"{领导您好|您好}！关于{subject}，我有一个{建议|小建议|想法}：{wish}。", "这样既方便群众，也能提高{工作效率|办事效率}。",
                                     "希望{领导|有关部门}能够{采纳|考虑}，谢谢！"};
const Patterns kMessagePraise = {"我是{place}{spot}的{居民|住户|群众}，特意来表扬一下{dept}。", "{good}。",
                                 "感谢你们为{群众|老百姓}办实事，为你们点赞！"};

const Patterns kCommentComplaint = {"{problem}，到底有没有人管？[怒]", "我们{spot}也是这样，{problem}😡", "说了多少次了，{problem}，没人管啊",
                                    "又是这样[怒][怒]", "{problem}，太让人失望了", "投诉了好几次，一直推诿扯皮[吐]"};
const Patterns kCommentInquiry = {"请问{question}？", "想问一下，{question}？", "有没有知道的：{question}？[疑问]", "同问，{question}？"};
const Patterns kCommentSuggestion = {"建议{wish}", "希望{wish}[加油]", "呼吁一下，{wish}🙏"};
const Patterns kCommentPraise = {"{good}，点赞👍", "[赞]{good}", "为{dept}点赞！{good}", "{good}[鼓掌][鼓掌]", "确实方便了，点赞😊"};
const Patterns kCommentNews = {"关注一下", "转发了解一下", "坐等后续[doge]", "{place}的来看看", "mark一下，{thing}的事", "消息收到👌",
                               "{spot}的路过", "这个{thing}跟我们{spot}有关系吗", "{dept}这次动作挺快"};
// Openers and closers multiply the templates, as real comment sections rarely repeat verbatim.
const Patterns kCommentOpeners = {"", "", "", "说实话，", "我觉得", "唉，", "楼上说得对，", "顶一下，", "作为{place}人，", "住在{spot}的说一句，",
                                  "看了新闻才知道，", "家里老人说，"};
const std::vector<std::string> kNegativeClosers = {"", "", "[怒]", "😡", "[吐]", "！！！", "[衰]", "，真是服了"};
const std::vector<std::string> kPositiveClosers = {"", "", "[赞]", "👍", "[鼓掌]", "😊", "[心]", "，继续加油"};
const std::vector<std::string> kNeutralClosers = {"", "", "[思考]", "🤔", "[doge]", "。", "～", "，谢谢"};

const Patterns kRumourPost = {"听说{place}出现阳性病例了，马上要封控，是真的吗？", "群里都在传{place}要全面封控，赶紧去超市囤菜吧😱",
                              "有人说{spot}发现了确诊病例，有没有知情的？", "{place}是不是要封了？家里老人都慌了[泪]"};
const Patterns kRumourFollow = {"别信谣，等官方通知[doge]", "我也看到了，到底真的假的？", "超市已经被抢空了😱", "谣言吧，刚从{place}回来，一切正常"};
// A rumour about any other issue names that issue's matter (same sizes: the same draws).
const Patterns kOtherRumourPost = {"听说{place}的{thing}出大问题了，是真的吗？", "群里都在传{spot}的{thing}要出事，大家小心😱",
                                   "有人说{place}{subject}出了事故，有没有知情的？", "{place}的{thing}是不是出事了？家里人都慌了[泪]"};
const Patterns kOtherRumourFollow = {"别信谣，等官方通知[doge]", "我也看到了，到底真的假的？", "群里都转疯了😱", "谣言吧，刚从{place}回来，一切正常"};
bool epidemic(const IssueBank& issue) { return issue.name == "疫情防控"; }

const std::vector<std::string> kSurnames = {"张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马", "朱", "胡", "郭", "何"};
const std::vector<std::string> kNickParts = {"运河边的风", "古城人", "鲁南老乡", "小城故事", "枣庄老李", "台儿庄小王", "晨跑的猫", "阳光心情",
                                             "匿名网友", "老兵", "微笑向暖", "庄里人", "一棵树", "路过看看", "热心市民", "草根"};
const std::vector<std::string> kSignatures = {"生活不止眼前的苟且", "爱台儿庄，爱生活", "运河之畔，我的家乡", "做一个热心的人☀",
                                              "少说话，多做事", "莫愁前路无知己"};
const std::vector<std::string> kMedia = {"台儿庄区融媒体中心", "枣庄日报", "鲁南商报", "台儿庄区人民政府办公室", "齐鲁晚报"};

// A few characters as a Taiwan or Hong Kong user, or a traditional-Chinese IME, would type them.
const std::vector<std::pair<std::string, std::string>> kTraditional = {
    {"这", "這"}, {"个", "個"}, {"们", "們"}, {"说", "說"}, {"区", "區"}, {"会", "會"}, {"还", "還"},
    {"没", "沒"}, {"问", "問"}, {"题", "題"}, {"时", "時"}, {"过", "過"}, {"么", "麼"}, {"发", "發"}};

std::string to_traditional(std::string s) {
  for (const auto& [simplified, traditional] : kTraditional) {
    for (size_t p = s.find(simplified); p != std::string::npos; p = s.find(simplified, p + traditional.size()))
      s.replace(p, simplified.size(), traditional);
  }
  return s;
}

const Patterns& message_patterns(const std::string& intent) {
  if (intent == "complaint") return kMessageComplaint;
  if (intent == "inquiry") return kMessageInquiry;
  if (intent == "suggestion") return kMessageSuggestion;
  return kMessagePraise;
}

}  // namespace

std::string Writer::fill(const std::string& pattern, const IssueBank& issue, const PlaceBank& place) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const size_t close = pattern.find('}', i);
    const std::string key = pattern.substr(i + 1, close - i - 1);
    i = close + 1;
    if (key.find('|') != std::string::npos) {  // how it is said: {a|b|c}, drawn from the wording stream
      std::vector<std::string> options;
      for (size_t from = 0;;) {
        const size_t bar = key.find('|', from);
        options.push_back(key.substr(from, bar - from));
        if (bar == std::string::npos) break;
        from = bar + 1;
      }
      out += wording_.pick(options);
    } else if (key == "place") out += place.name;
    else if (key == "spot") out += spot_.empty() ? rng_.pick(place.spots) : spot_;
    else if (key == "subject") out += issue.subject;
    else if (key == "dept") out += issue.dept;
    else if (key == "thing") out += rng_.pick(issue.things);
    else if (key == "problem") out += rng_.pick(issue.problems);
    else if (key == "question") out += rng_.pick(issue.questions);
    else if (key == "wish") out += rng_.pick(issue.wishes);
    else if (key == "good") out += rng_.pick(issue.goods);
    else if (key == "n") out += std::to_string(3 + rng_.below(30));
    else if (key == "m") out += std::to_string(100 + rng_.below(5000));
    else throw std::logic_error("phrase pattern with unknown slot {" + key + "}");
  }
  return out;
}

namespace {

const std::vector<std::string> kGivenNames = {"明", "华", "强", "静", "丽", "军", "伟", "芳", "敏", "磊", "洋", "勇", "艳", "杰", "娟", "涛",
                                              "建国", "秀英", "志强", "海燕", "文博", "晓东", "春梅", "立新", "宏伟", "玉兰", "家豪", "子涵"};
const std::vector<std::string> kRoles = {"负责人", "项目负责人", "社区书记", "网格员", "工作人员", "站长", "科长", "主任"};

// Particulars by voice: {person} {surname} {role} {n} (2-99) {k} (2-9) {spot} {thing}, and {a|b} alternatives.
const Patterns kNewsParticulars = {
    "{周一|周二|周三|周四|周五|周末|前天|昨天|当天}{上午|下午|一早|傍晚}，{记者|本报记者|通讯员}{person}{来到|走进|在}{spot}，{看到|注意到|了解到}{n}名{工作人员|社区干部|网格员|志愿者|技术人员|居民代表}{正在|仍在|已经在}{逐户走访|核对台账|现场查看|张贴公示|登记情况|整理资料}。",
    "{据|听}{role}{person}{介绍|说|讲}，{spot}{目前|眼下|到现在}{涉及|共有|已登记}{n}{户|处|个点位|项}，{预计|计划|争取}{k}{天|周}内{完成|办结|收尾}。",
    "{围绕|针对}{thing}，{spot}{设立了|安排了|组建了}{k}个{工作专班|小组|服务点}，{每天|每周}{安排|轮流派出}{n}人{值守|跟进|对接}。"};
const Patterns kCitizenParticulars = {
    "{我家|我们家|我父母家}{住在|在}{spot}{n}号楼{k}单元，{在这里|在这儿}{住了|生活了}{k}{年|多年}了。",
    "{前几天|上周|月初}{我|我和邻居}{去|到}{社区|便民服务中心|办事窗口}{跑过|去过}{一次|两次}，{接待的|对方}{工作人员|同志}姓{surname}。",
    "{我们那栋楼|我们那个单元|我们那片}{一共|总共}{有|住着}{n}户，{不少是|大多是|有一半是}{老人|上班族|租户}。"};
const Patterns kOfficialParticulars = {
    "{承办人|经办人|联系人}：{person}，{承办科室|办理科室}：{dept}{一科|二科|综合科|办公室|业务科}。",
    "{我们|工作人员}于收到留言后第{k}个工作日{到|前往}{spot}{进行了|开展了}现场{核实|查看|走访}，{共|一共}{走访|联系}{群众|住户|商户}{n}户。",
    "{此事|该事项|您反映的事项}{已|现已}{登记|录入}{办理台账|工单系统}，{编号|工单号}{n}{0|1|2|3|4|5|6|7|8|9}{k}{0|1|2|3|4|5|6|7|8|9}，{办理进度|后续进展}{可在|可通过}{网站|热线}{查询|了解}。"};
const Patterns kPolicyParticulars = {
    "{本方案|方案|文件}{由|经}{dept}{牵头|会同有关部门}{起草|制定}，{先后|共}{征求|听取}了{n}家单位{和|及}{k}个镇（街）的意见。",
    "{实施期间|方案实施中}，{dept}将{每月|每季度|每半年}{开展|组织}{督导|调度|评估}，{结果|情况}{纳入|计入}年度{考核|绩效评价}。",
    "{联系人|经办人}：{person}，{dept}{综合科|办公室|业务科|法规科}。"};
const Patterns kForumParticulars = {
    "{本人|楼主|我}是{spot}{的|附近的}{老住户|居民|上班族}，{在这住了|住了}{k}{年|十几年}了。",
    "{今天|昨天|刚才}{路过|去了|经过}{spot}{的时候|那边}{看了一眼|顺便看了看}，{门口|路边|现场}{有|站着}{n}{来个|多个|几个}人。",
    "{帖子|这事}{顶上去|先顶一下}，{让|给}更多{邻居|街坊|人}看到。"};

}  // namespace

std::string Writer::person() { return wording_.pick(kSurnames) + wording_.pick(kGivenNames); }

std::string Writer::particulars(const IssueBank& issue, const std::string& where, const char* voice) {
  const std::string v = voice;
  const Patterns& patterns = v == "news" ? kNewsParticulars : v == "official" ? kOfficialParticulars
                             : v == "forum" ? kForumParticulars : v == "policy" ? kPolicyParticulars : kCitizenParticulars;
  // Every sentence of the voice, in a drawn order.
  std::vector<size_t> order(patterns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[wording_.below(i + 1)]);
  std::string out;
  for (size_t index : order) {
    const std::string& pattern = patterns[index];
    std::string expanded;
    for (size_t i = 0; i < pattern.size();) {
      if (pattern[i] != '{') {
        expanded += pattern[i++];
        continue;
      }
      const size_t close = pattern.find('}', i);
      const std::string key = pattern.substr(i + 1, close - i - 1);
      i = close + 1;
      if (key == "person") expanded += person();
      else if (key == "surname") expanded += wording_.pick(kSurnames);
      else if (key == "role") expanded += wording_.pick(kRoles);
      else if (key == "n") expanded += std::to_string(2 + wording_.below(98));
      else if (key == "k") expanded += std::to_string(2 + wording_.below(8));
      else if (key == "spot") expanded += where;
      else if (key == "thing") expanded += wording_.pick(issue.things);
      else if (key == "dept") expanded += issue.dept;
      else expanded += "{" + key + "}";  // alternatives: fill() draws them from the wording stream
    }
    out += expanded;
  }
  // fill() draws only {a|b} alternatives here (the other slots are expanded above).
  return fill(out, issue, place_banks()[0]);
}

Text Writer::news_article(const IssueBank& issue, const PlaceBank& place, const std::string& intent) {
  begin(place);
  const Patterns& titles = intent == "complaint" ? kComplaintTitle
                           : intent == "praise"  ? kPraiseTitle
                           : intent == "inquiry" ? kInquiryTitle
                           : intent == "suggestion" ? kSuggestionTitle
                                                    : kNewsTitle;
  Text t{fill(rng_.pick(titles), issue, place), {}};
  if (intent == "complaint") {
    for (const auto& p : kComplaintBody) t.paragraphs.push_back(fill(p, issue, place));
  } else if (intent == "praise") {
    for (const auto& p : kPraiseBody) t.paragraphs.push_back(fill(p, issue, place));
  } else if (intent == "inquiry") {
    for (const auto& p : kInquiryBody) t.paragraphs.push_back(fill(p, issue, place));
  } else {
    t.paragraphs.push_back(fill(rng_.pick(kNewsOpening), issue, place));
    if (intent == "suggestion") t.paragraphs.push_back(fill("有群众建议，{wish}。对此，{dept}表示将认真研究。", issue, place));
  }
  // Distinct closing paragraphs; a report on complaints skips the meeting-speak of the first two.
  std::vector<size_t> order(kNewsBody.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng_.below(i + 1)]);
  const size_t extra = 2 + rng_.below(2);
  for (size_t i = 0, taken = 0; i < order.size() && taken < extra; ++i) {
    if (intent == "complaint" && order[i] < 2) continue;
    t.paragraphs.push_back(fill(kNewsBody[order[i]], issue, place));
    ++taken;
  }
  // Last, so that the opening a comment's context quotes (context_of: 200 characters) stays the report's.
  t.paragraphs.push_back(particulars(issue, spot_, "news"));
  return t;
}

Text Writer::policy_document(const IssueBank& issue, int year, int number) {
  const std::string plan = "台儿庄区" + rng_.pick(issue.things) + "工作实施方案";
  Text t{"台儿庄区人民政府办公室关于印发《" + plan + "》的通知", {}};
  t.paragraphs = {"各镇人民政府、运河街道办事处，区政府各部门单位：",
                  "《" + plan + "》已经区政府同意，现印发给你们，请认真贯彻执行。",
                  "一、总体要求。" + fill("{坚持以人民为中心|坚持问题导向|坚持便民利民}，围绕", issue, place_banks()[0]) + issue.subject +
                      fill("，{着力解决群众急难愁盼问题|补齐短板弱项|提升群众满意度}。", issue, place_banks()[0]),
                  "二、主要任务。" + fill("（一）做好{thing}。（二）推进{thing}。（三）加强{thing}的监督检查。", issue, place_banks()[0]),
                  "三、保障措施。各镇（街）和" + issue.dept + "要明确责任分工，" +
                      fill("{围绕|对照|按照}" + std::to_string(2 + wording_.below(8)) + "项重点任务{确定|落实|明确}" +
                               std::to_string(2 + wording_.below(30)) + "个责任单位，{按月|每季度|每半月}报送工作进展。", issue, place_banks()[0]),
                  particulars(issue, "", "policy"),
                  "本方案自印发之日起施行，有效期" + std::to_string(2 + number % 3) + "年（" + std::to_string(year) + "年起）。"};
  return t;
}

Text Writer::policy_interpretation(const IssueBank& issue, const std::string& policy_title) {
  const size_t open = policy_title.find("《"), close = policy_title.find("》");
  const std::string plan = open == std::string::npos ? policy_title : policy_title.substr(open, close - open + 3);
  Text t{plan + "政策解读", {}};
  t.paragraphs = {"一、起草背景。为进一步做好" + issue.subject + fill("工作，{回应群众关切|回应群众期盼|解决群众急难愁盼问题}，", issue, place_banks()[0]) + issue.dept + "起草了" + plan + "。",
                  particulars(issue, "", "policy"),
                  "二、主要内容。" + fill("方案明确了{thing}和{thing}等重点任务，{提出了|列出了|制定了}具体的{时间表和路线图|任务清单和完成时限|分工和时限}。", issue, place_banks()[0]),
                  "三、适用对象。方案适用于全区各镇（街）及区直有关部门单位。" +
                      fill("{方案|文件}{共|一共}{分|列出}" + std::to_string(2 + wording_.below(8)) + "{个部分|项任务|条措施}，{起草人|解读人|联系人}" + person() + "。", issue, place_banks()[0]),
                  "四、咨询方式。如有疑问，可拨打" + issue.dept + "政策咨询电话0632-661" + std::to_string(1000 + rng_.below(9000)) + "。"};
  return t;
}

Text Writer::rumour_clarification(const IssueBank& issue, const PlaceBank& place) {
  if (!epidemic(issue)) {
    Text t{"关于网传“" + place.name + issue.subject + "出现问题”不实信息的情况说明", {}};
    t.paragraphs = {"近日，有网民在网络上发布关于" + place.name + issue.subject + "出现问题的信息，引发部分群众关注。",
                    "经" + issue.dept + "核实，相关信息不实，" + place.name + issue.subject + "工作运行正常。",
                    "请广大群众以官方发布的信息为准，不信谣、不传谣。对编造、传播谣言的行为，公安机关将依法处理。",
                    "如有疑问，请拨打" + issue.dept + "咨询电话或12345热线。"};
    return t;
  }
  Text t{"关于网传“" + place.name + "将实施封控”不实信息的情况说明", {}};
  t.paragraphs = {"近日，有网民在网络上发布“" + place.name + "出现阳性病例、即将封控”的信息，引发部分群众关注。",
                  "经" + issue.dept + "核实，" + place.name + "近期未发现新冠阳性病例，也没有实施封控的计划，该信息不实。",
                  "请广大群众以官方发布的疫情防控信息为准，不信谣、不传谣。对编造、传播谣言的行为，公安机关将依法处理。",
                  "如有疑问，请拨打疫情防控咨询电话或12345热线。"};
  return t;
}

Text Writer::message(const IssueBank& issue, const PlaceBank& place, const std::string& intent) {
  begin(place);
  Text t;
  if (intent == "complaint") t.title = fill("关于{spot}" + std::string("{problem}") + "的问题", issue, place);
  else if (intent == "inquiry") t.title = fill("咨询：{question}？", issue, place);
  else if (intent == "suggestion") t.title = fill("建议{wish}", issue, place);
  else if (intent == "praise") t.title = fill("表扬{dept}", issue, place);
  else t.title = fill("关于{subject}的反映", issue, place);
  for (const auto& p : message_patterns(intent)) t.paragraphs.push_back(fill(p, issue, place));
  t.paragraphs.insert(t.paragraphs.end() - 1, particulars(issue, spot_, "citizen"));
  return t;
}

Text Writer::reply(const IssueBank& issue, const PlaceBank& place, const std::string& intent) {
  Text t{"答复", {fill("{网友|尊敬的网友|留言人}您好！{您的留言已收悉|来信收悉|您反映的问题已收悉}，现{答复如下|将有关情况答复如下|回复如下}：", issue, place)}};
  if (intent == "complaint") {
    t.paragraphs.push_back(fill("经{dept}会同{place}调查核实，您反映的情况属实。目前已督促有关单位制定整改方案，预计近期完成。", issue, place));
  } else if (intent == "inquiry") {
    t.paragraphs.push_back(fill("关于您咨询的问题，按照有关规定，{thing}事项可到{place}便民服务中心或{dept}窗口办理。", issue, place));
  } else if (intent == "suggestion") {
    t.paragraphs.push_back(fill("您提出的建议很有价值，{dept}将认真研究，在下一步工作中统筹考虑。", issue, place));
  } else {
    t.paragraphs.push_back(fill("感谢您对{dept}工作的肯定，我们将继续努力，为群众提供更好的服务。", issue, place));
  }
  t.paragraphs.push_back(particulars(issue, place.name, "official"));
  t.paragraphs.push_back(fill("{感谢您对我区工作的关心和支持|感谢您的理解和支持|谢谢您对我们工作的监督}！{如有疑问|如还有问题|如需进一步了解}，请拨打咨询电话0632-661", issue, place) + std::to_string(1000 + rng_.below(9000)) + "。");
  return t;
}

Text Writer::forum_thread(const IssueBank& issue, const PlaceBank& place, const std::string& intent, bool rumour) {
  begin(place);
  Text t;
  if (rumour) {
    t.title = fill(rng_.pick(epidemic(issue) ? kRumourPost : kOtherRumourPost), issue, place);
    t.paragraphs = {t.title, fill(rng_.pick(epidemic(issue) ? kRumourFollow : kOtherRumourFollow), issue, place)};
    t.paragraphs.push_back(particulars(issue, spot_, "forum"));
    return t;
  }
  const Text m = message(issue, place, intent);
  t.title = intent == "complaint" ? fill("曝光：{spot}{problem}", issue, place)
            : intent == "praise"  ? fill("必须点赞！{good}", issue, place)
            : intent == "news"    ? fill("{place}{thing}最新消息，大家看看", issue, place)
                                  : m.title;
  t.paragraphs = intent == "news" ? std::vector<std::string>{fill(rng_.pick(kNewsBody), issue, place), fill(rng_.pick(kCommentNews), issue, place)}
                                  : m.paragraphs;
  if (intent == "news") t.paragraphs.push_back(particulars(issue, spot_, "forum"));
  return t;
}

std::string Writer::comment(const IssueBank& issue, const PlaceBank& place, const std::string& intent, bool rumour) {
  begin(place);
  std::string text;
  if (rumour) {
    const bool post = rng_.chance(0.5);
    text = fill(rng_.pick(epidemic(issue) ? (post ? kRumourPost : kRumourFollow) : (post ? kOtherRumourPost : kOtherRumourFollow)), issue, place);
  }
  else if (intent == "complaint") text = fill(rng_.pick(kCommentComplaint), issue, place);
  else if (intent == "inquiry") text = fill(rng_.pick(kCommentInquiry), issue, place);
  else if (intent == "suggestion") text = fill(rng_.pick(kCommentSuggestion), issue, place);
  else if (intent == "praise") text = fill(rng_.pick(kCommentPraise), issue, place);
  else text = fill(rng_.pick(kCommentNews), issue, place);
  const auto& closers = intent == "complaint" ? kNegativeClosers : intent == "praise" ? kPositiveClosers : kNeutralClosers;
  text = fill(rng_.pick(kCommentOpeners), issue, place) + text + rng_.pick(closers);
  return rng_.chance(0.06) ? to_traditional(text) : text;
}

std::string Writer::user_name() {
  if (rng_.chance(0.4)) return rng_.pick(kSurnames) + (rng_.chance(0.5) ? "先生" : "女士");
  return rng_.pick(kNickParts) + std::to_string(rng_.below(1000));
}

std::string Writer::signature() { return rng_.pick(kSignatures); }
std::string Writer::media_name() { return rng_.pick(kMedia); }

}  // namespace yuqing::sandbox
