// SPDX-License-Identifier: GPL-2.0
/*
 * The packet hook: a program as a network device's rx-handler
 * (netdev_rx_handler_register), the place bridges and bonds take frames.
 *
 * Where it sits: __netif_receive_skb_core() runs generic XDP, then the packet
 * taps (tcpdump), then tc ingress, then the rx-handler, then the protocol
 * handlers. So a frame dropped here is still seen by tcpdump and tc ingress,
 * unlike native XDP (in the driver, before any skb exists) and generic XDP.
 *
 * The program sees the frame from its Ethernet header on, linear and writable
 * (struct ie_xdp_md); its verdict is applied here: PASS returns the frame to
 * the stack, DROP/ABORTED free it, TX sends it back out of the same device,
 * REDIRECT out of another one in the same network namespace.
 *
 * One rx-handler per device: a device that already has one (ours or another
 * driver's) is refused with -EBUSY. When the device is unregistered while a
 * program is attached, the netdevice notifier removes the handler and a
 * persistent link is dropped as if it had been detached.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "innerext_int.h"

static struct workqueue_struct *ie_xdp_wq;
static bool ie_xdp_exiting;

static void ie_xdp_count(struct ie_link *link, u64 act, bool tx_error)
{
	struct ie_prog_stats *stats = this_cpu_ptr(link->prog->stats);

	if (act >= IE_XDP_NR_ACTIONS) {
		stats->xdp_invalid++;
		act = IE_XDP_ABORTED;
	}
	stats->xdp_actions[act]++;
	if (tx_error)
		stats->xdp_tx_errors++;
}

/* Send @skb (data at the network header) out of @dev; false if @dev cannot send. */
static bool ie_xdp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	if (!(dev->flags & IFF_UP) || skb->len > dev->mtu) {
		kfree_skb(skb);
		return false;
	}
	__skb_push(skb, skb->mac_len);
	skb->dev = dev;
	skb->pkt_type = PACKET_OUTGOING;
	dev_queue_xmit(skb);	/* frees the skb on error: counted by the device */
	return true;
}

static rx_handler_result_t ie_xdp_rx(struct sk_buff **pskb)
{
	struct ie_link *link = rcu_dereference(((*pskb)->dev)->rx_handler_data);
	struct sk_buff *skb;
	struct ie_xdp_md md;
	struct ethhdr *eth, orig;
	struct net_device *to;
	u32 mac_len;
	bool ok;
	u64 act;

	skb = skb_share_check(*pskb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	*pskb = skb;
	mac_len = skb->data - skb_mac_header(skb);
	if (unlikely(mac_len < ETH_HLEN || skb_linearize_cow(skb))) {
		/* not Ethernet (or no memory to make it writable): not ours to judge */
		return RX_HANDLER_PASS;
	}
	eth = (struct ethhdr *)skb_mac_header(skb);
	orig = *eth;
	md.data = (unsigned long)eth;
	md.data_end = (unsigned long)skb_tail_pointer(skb);
	md.ingress_ifindex = skb->dev->ifindex;
	md.rx_queue_index = skb_get_rx_queue(skb);
	md.redirect_ifindex = 0;
	md.pad = 0;

	switch (ie_dispatch(link, &md, &act)) {
	case 0:
		break;
	case -EINTR:
		/* stopped by the runtime (counted as an abort): the program's fail action */
		act = link->prog->fail_action;
		if (act == IE_XDP_PASS) {
			ie_xdp_count(link, act, false);
			return RX_HANDLER_PASS;
		}
		break;
	case -ESTALE:
		/* the breaker is detaching it: as if it were gone already */
		return RX_HANDLER_PASS;
	default:
		/*
		 * Another extension runs in this context on this CPU (counted as a
		 * recursion miss). Fail closed: a filter must not be bypassed.
		 */
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}

	switch (act) {
	case IE_XDP_PASS:
		ie_xdp_count(link, act, false);
		if (!ether_addr_equal(orig.h_dest, eth->h_dest) ||
		    orig.h_proto != eth->h_proto) {
			/*
			 * the program rewrote the header: classify the frame again
			 * (eth_type_trans() only ever lowers pkt_type from HOST)
			 */
			__skb_push(skb, mac_len);
			skb->pkt_type = PACKET_HOST;
			skb->protocol = eth_type_trans(skb, skb->dev);
		}
		return RX_HANDLER_PASS;
	case IE_XDP_TX:
		skb->mac_len = mac_len;
		ok = ie_xdp_xmit(skb, skb->dev);
		ie_xdp_count(link, act, !ok);
		return RX_HANDLER_CONSUMED;
	case IE_XDP_REDIRECT:
		to = md.redirect_ifindex ?
		     dev_get_by_index_rcu(dev_net(skb->dev), md.redirect_ifindex) : NULL;
		skb->mac_len = mac_len;
		if (to) {
			ok = ie_xdp_xmit(skb, to);
		} else {
			kfree_skb(skb);
			ok = false;
		}
		ie_xdp_count(link, act, !ok);
		return RX_HANDLER_CONSUMED;
	case IE_XDP_DROP:
		ie_xdp_count(link, act, false);
		consume_skb(skb);
		return RX_HANDLER_CONSUMED;
	default:	/* IE_XDP_ABORTED and anything that is not an action */
		ie_xdp_count(link, act, false);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
}

/* Who already holds @dev's rx-handler, for the refusal message. */
static const char *ie_xdp_owner(struct net_device *dev)
{
	if (netif_is_bridge_port(dev))
		return "it is a bridge port";
	if (netif_is_bond_slave(dev))
		return "it is a bond slave";
	if (netif_is_team_port(dev))
		return "it is a team port";
	if (netif_is_macvlan_port(dev))
		return "it is the lower device of a macvlan";
	if (netif_is_ovs_port(dev))
		return "it is an Open vSwitch port";
	return "another driver uses its rx-handler";
}

static struct net_device *ie_xdp_find_dev(struct ie_link *link, struct ie_log *log)
{
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev;

	if (link->xdp.ifindex) {
		dev = __dev_get_by_index(net, link->xdp.ifindex);
		if (!dev)
			ie_log(log, "xdp: no interface with index %u in this network namespace",
			       link->xdp.ifindex);
		return dev;
	}
	dev = __dev_get_by_name(net, link->target);
	if (!dev)
		ie_log(log, "xdp: no interface '%s' in this network namespace", link->target);
	return dev;
}

static int ie_xdp_attach(struct ie_link *link, struct ie_log *log)
{
	struct net_device *dev;
	struct ie_link *other;
	int err;

	rtnl_lock();
	dev = ie_xdp_find_dev(link, log);
	if (!dev) {
		err = -ENODEV;
		goto out;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		ie_log(log, "xdp: %s is not an Ethernet device", dev->name);
		err = -EOPNOTSUPP;
		goto out;
	}
	if (rtnl_dereference(dev->rx_handler) == ie_xdp_rx) {
		other = rtnl_dereference(dev->rx_handler_data);
		ie_log(log, "xdp: %s already runs innerext program '%s' (link %u): detach it first",
		       dev->name, other->prog->name, other->id);
		err = -EBUSY;
		goto out;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		ie_log(log, "xdp: %s is busy: %s", dev->name, ie_xdp_owner(dev));
		err = -EBUSY;
		goto out;
	}
	link->xdp.dev = dev;
	link->xdp.ifindex = dev->ifindex;
	strscpy(link->target, dev->name, IE_TARGET_LEN);
	err = netdev_rx_handler_register(dev, ie_xdp_rx, link);
	if (err) {
		ie_log(log, "xdp: cannot take %s's rx-handler (error %d)", dev->name, err);
		link->xdp.dev = NULL;
		goto out;
	}
	netdev_hold(dev, &link->xdp.tracker, GFP_KERNEL);
out:
	rtnl_unlock();
	return err;
}

/* Under RTNL. Returns when no invocation runs (synchronize_net inside). */
static void ie_xdp_unhook(struct ie_link *link)
{
	struct net_device *dev = link->xdp.dev;

	if (!dev)
		return;
	netdev_rx_handler_unregister(dev);
	link->xdp.dev = NULL;
	netdev_put(dev, &link->xdp.tracker);
}

static void ie_xdp_detach(struct ie_link *link)
{
	rtnl_lock();
	ie_xdp_unhook(link);
	rtnl_unlock();
}

static bool ie_xdp_active(struct ie_link *link)
{
	return READ_ONCE(link->xdp.dev) != NULL;
}

static void ie_xdp_gone_work(struct work_struct *work)
{
	struct ie_link *link = container_of(work, struct ie_link, xdp.gone_work);

	ie_link_detach_now(link);
	ie_link_put(link);
}

static int ie_xdp_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ie_link *link;

	if (event != NETDEV_UNREGISTER || rtnl_dereference(dev->rx_handler) != ie_xdp_rx)
		return NOTIFY_DONE;
	link = rtnl_dereference(dev->rx_handler_data);
	ie_xdp_unhook(link);
	WRITE_ONCE(link->xdp.ifindex, 0);
	if (!ie_xdp_exiting)
		pr_info(IE_PR_PREFIX "%s unregistered: program '%s' detached (link %u)\n",
			dev->name, link->prog->name, link->id);
	/* the link lives on while its fds do; drop the module's hold on it */
	refcount_inc(&link->ref);
	INIT_WORK(&link->xdp.gone_work, ie_xdp_gone_work);
	queue_work(ie_xdp_wq, &link->xdp.gone_work);
	return NOTIFY_OK;
}

static struct notifier_block ie_xdp_notifier = {
	.notifier_call = ie_xdp_netdev_event,
};

int ie_xdp_init(void)
{
	int err;

	ie_xdp_wq = alloc_workqueue("innerext_xdp", 0, 0);
	if (!ie_xdp_wq)
		return -ENOMEM;
	err = register_netdevice_notifier(&ie_xdp_notifier);
	if (err)
		destroy_workqueue(ie_xdp_wq);
	return err;
}

void ie_xdp_exit(void)
{
	/* this also reports every device as unregistering: our hooks come off */
	ie_xdp_exiting = true;
	unregister_netdevice_notifier(&ie_xdp_notifier);
	destroy_workqueue(ie_xdp_wq);
}

const struct ie_hook_ops ie_xdp_ops = {
	.name	= "xdp",
	.attach	= ie_xdp_attach,
	.detach	= ie_xdp_detach,
	.active	= ie_xdp_active,
};
