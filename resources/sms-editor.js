// The editor implementation shared by the sms in and sms status nodes (their settings,
// dialog, URL preview and provider choices), served by Node-RED from this package's
// resources/ folder. Both nodes load it: defined once, kept idempotent.
(function () {
  if (window.SmsEditor) return;

  // What the dialogs need to know of each provider: the kind of account that vouches for it,
  // and whether a reply goes back in the webhook's answer (so "Reply within" applies).
  var PROVIDERS = {
    twilio: { account: 'twilio', repliesInAnswer: true },
    'vonage-sms': { account: 'vonage', repliesInAnswer: false },
    'vonage-messages': { account: 'vonage', repliesInAnswer: false },
  };

  function repliesInAnswer(setting) {
    return setting === 'auto' ? Object.keys(PROVIDERS).some(repliesInAnswer) : !!(PROVIDERS[setting] && PROVIDERS[setting].repliesInAnswer);
  }
  function normalizePath(path) {
    var p = String(path || '').trim().replace(/\/{2,}/g, '/');
    if (!p) return '';
    if (p[0] !== '/') p = '/' + p;
    return p.length > 1 ? p.replace(/\/$/, '') : p;
  }

  // Other enabled nodes on the same HTTP path: only one of them would get the requests.
  function nodesOnPath(nodeId, path) {
    var p = normalizePath(path);
    var found = [];
    if (!p) return found;
    RED.nodes.eachNode(function (n) {
      if (n.id === nodeId || n.d) return;
      var other = n.type === 'http in' ? n.url : (n.type === 'sms in' || n.type === 'sms status') ? n.path : undefined;
      if (other !== undefined && normalizePath(other) === p) found.push(n.name || n.type + ' ' + normalizePath(other));
    });
    return found;
  }

  // Only the providers the chosen account can vouch for.
  function limitProviders(accountId) {
    var account = accountId && accountId !== '_ADD_' ? RED.nodes.node(accountId) : null;
    var provider = account && account.provider;
    $('#node-input-provider option').each(function () {
      var value = $(this).val();
      var fits = value === 'auto' || !provider || (PROVIDERS[value] && PROVIDERS[value].account === provider);
      $(this).prop('disabled', !fits);
    });
    if ($('#node-input-provider option:selected').prop('disabled')) $('#node-input-provider').val('auto');
  }
  // The full URL the provider should call: the account's public URL, or this editor's
  // origin, then httpNodeRoot, then the path.
  function endpointUrl(path, accountId) {
    var root = RED.settings.httpNodeRoot || '/';
    var p = (path || '').trim();
    if (p && p[0] !== '/') p = '/' + p;
    var full = (root.replace(/\/$/, '') + p) || '/';
    var account = accountId && RED.nodes.node(accountId);
    var base = account && account.publicUrl ? account.publicUrl.replace(/\/+$/, '') : location.protocol + '//' + location.host;
    return base + full;
  }

  // The form both dialogs show; `prefix` (sms-in, sms-status) names their ids and labels,
  // `rows` is the node's own part, placed after the URL.
  function endpointTemplate(prefix, rows) {
    var label = function (key) { return '<span data-i18n="' + prefix + '.label.' + key + '"></span>'; };
    var providers = ['auto'].concat(Object.keys(PROVIDERS)).map(function (p) {
      return '<option value="' + p + '" data-i18n="' + prefix + '.provider.' + p + '"></option>';
    });
    return [
      '<div class="form-row">',
      '  <label for="node-input-account"><i class="fa fa-id-badge"></i> ' + label('account') + '</label>',
      '  <input type="text" id="node-input-account">',
      '</div>',
      '<div class="form-tips" id="' + prefix + '-no-account" data-i18n="' + prefix + '.tip.noAccount" style="display:none"></div>',
      '<div class="form-row">',
      '  <label for="node-input-provider"><i class="fa fa-cloud"></i> ' + label('provider') + '</label>',
      '  <select id="node-input-provider" style="width:70%">' + providers.join('') + '</select>',
      '</div>',
      '<div class="form-row">',
      '  <label for="node-input-path"><i class="fa fa-globe"></i> ' + label('path') + '</label>',
      '  <input type="text" id="node-input-path" data-i18n="[placeholder]' + prefix + '.placeholder.path">',
      '</div>',
      '<div class="form-row">',
      '  <label><i class="fa fa-link"></i> ' + label('url') + '</label>',
      '  <code id="' + prefix + '-url" style="word-break:break-all"></code>',
      '  <a href="#" id="' + prefix + '-copy" class="red-ui-button red-ui-button-small"><i class="fa fa-clipboard"></i></a>',
      '</div>',
      '<div class="form-tips" id="' + prefix + '-shared-path" style="display:none; border-color:#d6615e; background:#fbeaea"></div>',
      '<div class="form-tips" data-i18n="' + prefix + '.tip.url"></div>',
      rows,
      '<div class="form-row">',
      '  <label for="node-input-name"><i class="fa fa-tag"></i> ' + label('name') + '</label>',
      '  <input type="text" id="node-input-name">',
      '</div>',
    ].join('\n');
  }

  /**
   * Registers an endpoint node type: `spec` gives its prefix, default path, own `defaults`,
   * `rows` (HTML), `outputLabels`, and `refresh(node)` run whenever a setting changes.
   */
  function registerEndpoint(type, spec) {
    var prefix = spec.prefix;
    var template = document.createElement('script');
    template.type = 'text/html';
    template.setAttribute('data-template-name', type);
    template.textContent = endpointTemplate(prefix, spec.rows);
    document.body.appendChild(template);

    var defaults = {
      name: { value: '' },
      account: { value: '', type: 'sms account', required: false },
      provider: { value: 'auto' },
      path: { value: spec.path, required: true, validate: function (v) { return typeof v === 'string' && v.trim().length > 0; } },
    };
    Object.keys(spec.defaults).forEach(function (key) { defaults[key] = spec.defaults[key]; });

    RED.nodes.registerType(type, {
      category: 'sms',
      color: '#f4b183',
      defaults: defaults,
      inputs: 0,
      outputs: 1,
      icon: 'sms.svg',
      paletteLabel: type,
      label: function () {
        return this.name || type + ' ' + (this.path || '');
      },
      labelStyle: function () {
        return this.name ? 'node_label_italic' : '';
      },
      outputLabels: spec.outputLabels,
      oneditprepare: function () {
        var node = this;
        function refresh() {
          var account = $('#node-input-account').val();
          $('#' + prefix + '-url').text(endpointUrl($('#node-input-path').val(), account === '_ADD_' ? '' : account));
          $('#' + prefix + '-no-account').toggle(!account || account === '_ADD_');
          var shared = nodesOnPath(node.id, $('#node-input-path').val());
          $('#' + prefix + '-shared-path').text(node._(prefix + '.tip.sharedPath', { nodes: shared.join(', ') })).toggle(shared.length > 0);
          if (spec.refresh) spec.refresh(node);
        }
        $('#node-input-account').on('change', function () { limitProviders($(this).val()); refresh(); });
        $('#node-input-path, #node-input-provider, #node-input-account').on('change keyup input', refresh);
        $('#' + prefix + '-copy').on('click', function (e) {
          e.preventDefault();
          RED.clipboard.copyText($('#' + prefix + '-url').text(), $(this), 'clipboard.copyMessageValue');
        });
        limitProviders($('#node-input-account').val());
        refresh();
      },
    });
  }

  window.SmsEditor = {
    registerEndpoint: registerEndpoint,
    repliesInAnswer: repliesInAnswer,
  };
})();
